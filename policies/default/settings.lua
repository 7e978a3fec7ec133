-- settings: the numbers the default policy set works with. An organization
-- or site settings.lua overrides any of them key by key. Clearance levels
-- follow the NZSIS scale; the history and document rules follow REGDOC-2.12.2
-- (4.3: five-year history, back to age 16 when under 21; 5.2.2: criminal
-- record name check for six months or more abroad; 5.2: certified
-- translation for documents not in English or French; 11.0: appeals), and
-- the adjudication numbers follow the NZSIS criteria (grant with a warning
-- for recent conduct; several areas of lesser concern; continuing holders).

return {
	levels = { "CV", "SECRET", "TS" },
	response_days = 20,          -- days to answer the concerns put (procedural fairness)
	validity_years = 5,          -- a clearance lasts five years (REGDOC 5.2.6)
	renewal_lead_days = 180,     -- open the renewal this long before expiry (REGDOC 7.0)
	history_years = 5,           -- traceable history window (REGDOC 4.3)
	history_min_age = 16,        -- history is not asked for before this age (REGDOC 4.3)
	history_full_age = 21,       -- under this age the window starts at history_min_age
	gap_days = 30,               -- a history gap longer than this needs explaining (REGDOC 4.4)
	abroad_months = 6,           -- months abroad that call for a CRNC (REGDOC 5.2.2, 5.2.3)
	appeal_days = 30,            -- time to lodge an appeal (REGDOC 11.0)
	retention_years = 1,         -- keep a closed file this long (REGDOC 9.0)
	transfer_window_days = 90,   -- a transfer must complete this long before renewal (REGDOC 8.0)

	-- timeliness (GET /api/v1/stats/timeliness): which workflow states
	-- make up each stage, and the states that end a case
	timeliness_stages = {
		application = { "draft", "returned" },
		screening = { "submitted", "screening" },
		agency = { "on_hold" },
		interview = { "interview" },
		adjudication = { "adjudication", "fairness" },
		decision = { "decision", "briefing" },
	},
	timeliness_end = { "issued", "denied" },

	-- read by vetd: may the applicant read a document they uploaded to
	-- their own file whatever its marking? (false: only within the
	-- applicant's ceiling, organizations.<org>.ceilings)
	documents_uploader_reads = true,

	-- used by the default policy.lua
	document_languages = { "en", "fr" }, -- no translation needed (REGDOC 5.2)
	recent_years = 5,            -- conduct younger than this is recent: grant with a warning
	several_areas = 3,           -- mitigated findings in this many guidelines: refer (NZSIS B6)
	holder_factors_needed = 3,   -- holder factors that weigh clearly toward continuation

	-- incident triage (on_event "incident_reported")
	incident_urgent_hours = 24,  -- a breach or a security contact is handled within this
	                             -- many hours: a breach is reported at once, a contact as
	                             -- soon as it happens (CSP reporting page, ref 000)
	-- a clearance holder's change of circumstances of one of these kinds
	-- opens a review for cause of the clearance (REGDOC 6.1; a charge or a
	-- conviction may also call for alternative work meanwhile, REGDOC 5.4.3)
	incident_review_circumstances = { "conviction", "charge" },
}
