// incidents: (being written)
export default { routes: [] };
