// case: (being written)
export default { routes: [] };
