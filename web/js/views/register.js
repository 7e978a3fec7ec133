// register: (being written)
export default { routes: [] };
