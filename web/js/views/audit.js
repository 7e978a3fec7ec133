// audit: (being written)
export default { routes: [] };
