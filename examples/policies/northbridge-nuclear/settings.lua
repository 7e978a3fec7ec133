-- Northbridge Nuclear settings under CNSC REGDOC-2.12.2. One clearance
-- level, the site access security clearance (SASC). It is valid five years
-- (NSR 17(1.2)), counted from the date of the agency's notice of
-- assessment (REGDOC 5.2.6), and renewal starts early enough to finish every
-- check before expiry (REGDOC 7.0). The traceable history covers five
-- years, back to age 16 for applicants under 21 (REGDOC 4.3); a stay abroad
-- of six months or more from age 16 needs that country's criminal record
-- name check (REGDOC 5.2.2, 5.2.3). Records of persons granted, denied or
-- revoked are kept at least one year after expiry or revocation (NSR 37(1),
-- REGDOC 9.0). Interviews have two interviewers when the risk is elevated;
-- a site may ask for two at every interview (interview_two_always, REGDOC
-- 5.3.2). Keys not set here come from the default settings.
return {
	levels = { "SASC" },
	validity_years = 5,
	validity_from = "agency_notice",
	renewal_lead_days = 180,
	response_days = 20,
	history_years = 5,
	history_min_age = 16,
	history_full_age = 21,
	gap_days = 30,
	abroad_months = 6,
	home_countries = { "CA" },
	recent_years = 5,
	interview_two_always = false,
	appeal_days = 30,
	retention_years = 1,
	transfer_window_days = 90,
}
