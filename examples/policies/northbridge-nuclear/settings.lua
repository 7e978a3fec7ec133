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
-- 5.3.2). Incident triage: a breach or a security contact is urgent (the
-- CSP reporting page, ref 000), and so, at a nuclear site, is a change of
-- behaviour, within a longer delay; a SASC holder's change of
-- circumstances that may pose a risk is investigated (REGDOC 6.1) through
-- a review for cause: a charge or conviction (REGDOC 5.4.3) and, since
-- foreign contacts are what security contacts grow from, a foreign
-- contact. Keys not set here come from the default settings.
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
	incident_urgent_hours = 24,             -- breach, security contact (ref 000)
	incident_behaviour_urgent_hours = 48,   -- change of behaviour (REGDOC 6.1)
	incident_review_circumstances = { "conviction", "charge", "foreign_contact" },
}
