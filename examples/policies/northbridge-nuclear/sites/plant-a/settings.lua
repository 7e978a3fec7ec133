-- Plant A: stricter screening for this site's protected area, which holds
-- vital areas and nuclear material. A gap of more than 14 days that no
-- residence, employment, study or explanation accounts for must be
-- resolved with the applicant (REGDOC 4.3, 4.4; the organization allows
-- 30). Every security interview is held by two interviewers, not only the
-- ones the organization rates as elevated risk (REGDOC 5.3.2 leaves the
-- thresholds to the licensee and asks it to weigh the areas at stake;
-- 5.4.2 asks for extra care around vital and inner areas). These are
-- settings rather than functions so that the workflow's guards, which
-- use the same rules, apply them too. Everything else is the
-- organization's.
return {
	gap_days = 14,
	interview_two_always = true,
}
