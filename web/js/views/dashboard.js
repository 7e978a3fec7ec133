// dashboard: (being written)
export default { routes: [] };
