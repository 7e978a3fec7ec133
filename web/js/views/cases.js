// cases: (being written)
export default { routes: [] };
