// applicant: (being written)
export default { routes: [] };
