-- rules: how Northbridge Nuclear screens a case under CNSC REGDOC-2.12.2
-- (site access security clearance). It answers two questions: what the
-- file still lacks (requirements: consent 5.1, identity 5.2.1, the
-- five-year traceable history of 4.3 with a criminal record name check for
-- each country of 5.2.2-5.2.3, translations 5.2, credit check 5.1) and why
-- a security interview is needed (the situations of 5.3.2, with 4.4, 5.2.5
-- and 5.3.1), with two interviewers when the risk is elevated. It also gives
-- the decision the facts it needs about agency notices (5.2.6), interviews
-- (5.4.4) and adverse information (glossary, 6.1). The module has the same
-- name and the same entry points (requirements, interview_triggers,
-- errors) as the default set's rules module on purpose: the default
-- workflow's guards ask `rules` whether a file is complete and whether an
-- interview is outstanding, and for this organization they get these
-- answers. Adverse information carries a summary code; the codes this
-- organization uses are listed below, and any other code still counts as
-- adverse information.

local dates = require("dates")
local history = require("history")

local M = {}

-- JSON null arrives as `null`; an empty field is simply absent.
local function given(v)
	if v == nil or v == null then
		return nil
	end
	return v
end
M.given = given

local function list(v)
	v = given(v)
	if type(v) ~= "table" then
		return {}
	end
	return v
end
M.list = list

local function text(v)
	v = given(v)
	return type(v) == "string" and v:match("%S") ~= nil
end

local function setting(ctx, key, default)
	local s = given(ctx and ctx.settings)
	local v = s and given(s[key])
	if v == nil then
		return default
	end
	return v
end
M.setting = setting

local function member(l, v)
	for _, x in ipairs(list(l)) do
		if x == v then
			return true
		end
	end
	return false
end

-- "REGDOC 5.2.2, 5.2.3" from { "REGDOC 5.2.2", "REGDOC 5.2.3" }.
local function cite_text(cites)
	return "REGDOC " .. table.concat(cites, ", "):gsub("REGDOC ", "")
end

-- Paths name a section of the case the way the application form shows it:
-- list entries are counted from 1 ("residences[2].to").
local function path(section, i, field)
	local p = section
	if i then
		p = p .. "[" .. i .. "]"
	end
	if field then
		p = p .. "." .. field
	end
	return p
end

-- Adverse information summary codes this organization records, by what
-- they mean for the REGDOC rules. Codes not listed are general adverse
-- information (5.3.1, last situation of 5.3.2).
M.codes = {
	-- questionable documentation, discrepancies, concealment (4.4, 5.3.2)
	discrepancy = "documentation", false_information = "documentation",
	questionable_document = "documentation", concealment = "documentation",
	undeclared_conviction = "documentation",
	-- poor or questionable credit history (5.1, 5.3.2)
	poor_credit = "credit", bankruptcy = "credit",
	-- links to a criminal element (5.2.5, glossary)
	criminal_association = "criminal", organized_crime = "criminal",
	-- a security threat: no clearance may be granted (5.4.4, 5.5)
	security_threat = "threat", espionage = "threat", sabotage = "threat",
	terrorism = "threat", foreign_intelligence = "threat",
	violent_extremism = "threat",
}

function M.adverse_of(case, kind)
	local out = {}
	for _, a in ipairs(list(case.adverse)) do
		if M.codes[given(a.summary_code)] == kind then
			out[#out + 1] = a
		end
	end
	return out
end

-- The date applications are measured from: the history window of 4.3 is
-- the five years before the application, so the submission date when the
-- file has one, otherwise today.
function M.anchor(case, ctx)
	local s = given(case.submitted)
	if dates.valid(s) and dates.compare(s, ctx.today) <= 0 then
		return s
	end
	return ctx.today
end

function M.home_countries(ctx)
	local h = setting(ctx, "home_countries", nil)
	if type(h) == "table" and #h > 0 then
		return h
	end
	return { "CA" }
end

local function dob_of(case)
	local p = given(case.person)
	local dob = p and given(p.date_of_birth)
	if dates.valid(dob) then
		return dob
	end
	return nil
end

-- 5.2.3 foreign national: neither a citizen of a home country nor a
-- permanent resident (shown by a permanent resident card).
function M.foreign_national(case, ctx)
	local p = given(case.person) or {}
	for _, c in ipairs(list(p.citizenships)) do
		if member(M.home_countries(ctx), c) then
			return false
		end
	end
	for _, d in ipairs(list(case.identity_documents)) do
		if given(d.type) == "permanent_resident_card" then
			return false
		end
	end
	return true
end

-- The history window (4.3), gaps in it and stays abroad (5.2.2).
-- Explained gaps (history_gaps_explained with an explanation) count as
-- covered: the applicant has accounted for them (4.4).
function M.history(case, ctx)
	local settings = given(ctx.settings) or {}
	local anchor = M.anchor(case, ctx)
	local dob = dob_of(case)
	local from, to = history.window(dob, anchor, settings)
	local min_days = setting(ctx, "gap_days", 30)

	local explained = {}
	for _, g in ipairs(list(case.history_gaps_explained)) do
		if text(g.explanation) then
			explained[#explained + 1] = { from = given(g.from), to = given(g.to) }
		end
	end
	local function with_explained(records)
		local l = {}
		for _, r in ipairs(records) do
			l[#l + 1] = { from = given(r.from), to = given(r.to) }
		end
		for _, e in ipairs(explained) do
			l[#l + 1] = e
		end
		return l
	end

	local residence_gaps = history.gaps(with_explained(list(case.residences)),
	    from, to, min_days, anchor)
	-- Employment history (4.3): study counts as activity, and a period of
	-- unemployment is declared as an explained gap.
	local activity = {}
	for _, r in ipairs(list(case.employment)) do
		activity[#activity + 1] = r
	end
	for _, r in ipairs(list(case.education)) do
		activity[#activity + 1] = r
	end
	local activity_gaps = history.gaps(with_explained(activity), from, to,
	    min_days, anchor)

	-- Resided or worked outside the home countries (5.2.2): only the part
	-- inside the window counts, from the 16th birthday on.
	local stays = {}
	for _, section in ipairs({ list(case.residences), list(case.employment) }) do
		for _, r in ipairs(section) do
			local f, t = given(r.from), given(r.to)
			if dates.valid(f) and (t == nil or dates.valid(t)) then
				if dates.compare(f, from) < 0 then
					f = from
				end
				if t == nil or dates.compare(t, f) >= 0 then
					stays[#stays + 1] = { from = f, to = t,
					    country = given(r.country) }
				end
			end
		end
	end
	local abroad = history.abroad(stays, M.home_countries(ctx), dob,
	    setting(ctx, "history_min_age", 16),
	    setting(ctx, "abroad_months", 6), anchor)

	return { from = from, to = to, dob = dob,
	    residence_gaps = residence_gaps, activity_gaps = activity_gaps,
	    abroad = abroad }
end

-- The criminal record name check on file for a country, if any; the best
-- result when there are several (a completed check over a pending one).
local RANK = { record = 4, no_record = 3, pending = 2, unavailable = 1 }
function M.crnc_for(case, country)
	local best
	for _, c in ipairs(list(case.crnc)) do
		if given(c.country) == country then
			local r = RANK[given(c.result)] or 0
			if not best or r > (RANK[given(best.result)] or 0) then
				best = c
			end
		end
	end
	return best
end

local function completed(c)
	local r = c and given(c.result)
	return r == "no_record" or r == "record"
end
M.crnc_completed = completed

-- The countries that need a criminal record name check, each with why.
function M.crnc_countries(case, ctx, h)
	local out, seen = {}, {}
	local function need(country, why, cites)
		if type(country) == "string" and not seen[country] then
			seen[country] = true
			out[#out + 1] = { country = country, why = why, cites = cites }
		end
	end
	for _, c in ipairs(M.home_countries(ctx)) do
		need(c, "the home country check every applicant needs",
		    { "REGDOC 4.3" })
		break
	end
	if M.foreign_national(case, ctx) then
		for _, c in ipairs(list((given(case.person) or {}).citizenships)) do
			need(c, "country of origin of a foreign national",
			    { "REGDOC 5.2.3" })
		end
	end
	for _, s in ipairs(h.abroad) do
		need(s.country, "resided or worked there " .. s.months ..
		    " months (" .. s.from .. " to " .. s.to .. ") at 16 or older",
		    { "REGDOC 5.2.2", "REGDOC 5.2.3" })
	end
	return out
end

-- --- agency notices (5.2.6) --------------------------------------------

-- Notices in the order they were recorded (by date, then list order).
local function recorded_before(a, b)
	if a.date ~= b.date then
		return a.date < b.date
	end
	return a.i < b.i
end

function M.notices(case)
	local l = {}
	for i, n in ipairs(list(case.notices)) do
		l[#l + 1] = { type = given(n.type), date = given(n.date) or "",
		    reference = given(n.reference),
		    follow_up = given(n.follow_up) == true, i = i }
	end
	if #l > 1 then
		table.sort(l, recorded_before)
	end
	return l
end

function M.has_notice(case, kind)
	for _, n in ipairs(M.notices(case)) do
		if n.type == kind then
			return true
		end
	end
	return false
end

-- An NOA brief is open until the agency follows it up: its formal letter
-- (recorded as a notice marked follow_up) or any later notice. Until then
-- the file is held (5.2.6).
function M.brief_open(case)
	local open = false
	for _, n in ipairs(M.notices(case)) do
		open = n.type == "NOA_BRIEF" and not n.follow_up
	end
	return open
end

-- The date of the latest notice that calls for an interview (a brief, its
-- follow-up, or insufficient information): an interview held before it
-- does not answer it.
function M.latest_agency_concern(case)
	local latest
	for _, n in ipairs(M.notices(case)) do
		if (n.type == "NOA_BRIEF" or n.type == "NRT_INSUFFICIENT") and
		    dates.valid(n.date) then
			latest = n.date
		end
	end
	return latest
end

-- --- interviews (5.3, 5.4.4) ------------------------------------------------

function M.interview_with(case, outcome)
	for _, iv in ipairs(list(case.interviews)) do
		if given(iv.outcome) == outcome then
			return iv
		end
	end
	return nil
end

-- --- the requirements of the application --------------------------------------

-- Accepted identification (5.2.1): these documents, plus any other
-- government-issued identification that carries a photo.
local ACCEPTED_ID = { passport = true, birth_certificate = true,
    citizenship_certificate = true, permanent_resident_card = true }
local OFFICIAL_LANGUAGES = { en = true, fr = true }

function M.requirements(case, ctx)
	local out = {}
	local function add(code, severity, p, message, cites)
		out[#out + 1] = { code = code, severity = severity, path = p,
		    message = message, cites = cites }
	end

	-- Personal data (5.2.1) and the identification report of NSR 17(2).
	local p = given(case.person) or {}
	local pob = given(p.place_of_birth) or {}
	local addr = given(p.address) or {}
	if not text(p.name) then
		add("person_incomplete", "error", "person.name",
		    "Full name is missing (REGDOC 5.2.1).", { "REGDOC 5.2.1" })
	end
	if not dates.valid(given(p.date_of_birth)) then
		add("person_incomplete", "error", "person.date_of_birth",
		    "Date of birth is missing or not a date (REGDOC 5.2.1).",
		    { "REGDOC 5.2.1" })
	end
	for _, f in ipairs({ "city", "region", "country" }) do
		if not text(pob[f]) then
			add("person_incomplete", "error", "person.place_of_birth." .. f,
			    "Place of birth needs city or town, province or state, " ..
			    "and country; " .. f .. " is missing (REGDOC 5.2.1).",
			    { "REGDOC 5.2.1" })
		end
	end
	if #list(p.citizenships) == 0 then
		add("person_incomplete", "error", "person.citizenships",
		    "Citizenship is missing (REGDOC 5.2.1, 5.2.3).",
		    { "REGDOC 5.2.1", "REGDOC 5.2.3" })
	end
	if not text(addr.line) or not text(addr.country) then
		add("person_incomplete", "error", "person.address",
		    "Address of the principal residence is missing (REGDOC 3.0, " ..
		    "NSR 17(2)).", { "REGDOC 3.0" })
	end
	if not text(p.occupation) then
		add("person_incomplete", "error", "person.occupation",
		    "Occupation is missing (REGDOC 3.0, NSR 17(2)).",
		    { "REGDOC 3.0" })
	end

	-- Consent and authorization (5.1): the licensee completes A, the
	-- applicant B and C (C signed by the applicant), the licensee D and E.
	local parts = given((given(case.consent) or {}).parts) or {}
	for _, part in ipairs({ "A", "B", "C", "D", "E" }) do
		local s = given(parts[part])
		local by = s and given(s.signed_by)
		local where = "consent.parts." .. part
		if not s or not text(by) or not dates.valid(given(s.date)) then
			add("consent_unsigned", "error", where,
			    "Consent section " .. part .. " is not completed, signed " ..
			    "and dated (REGDOC 5.1).", { "REGDOC 5.1" })
		elseif part == "C" and by ~= "applicant" then
			add("consent_unsigned", "error", where,
			    "Consent section C must be initialled and signed by the " ..
			    "applicant (REGDOC 5.1).", { "REGDOC 5.1" })
		elseif (part == "D" or part == "E") and by == "applicant" then
			add("consent_unsigned", "error", where,
			    "Consent section " .. part .. " confirms the licensee's " ..
			    "review and approval; the applicant cannot sign it " ..
			    "(REGDOC 5.1).", { "REGDOC 5.1" })
		end
	end

	-- Identification (5.2.1): two valid government documents, at least
	-- one with a current photo; translations of documents in neither
	-- official language (5.2).
	local valid_ids, photo = 0, false
	local has_passport = false
	for i, d in ipairs(list(case.identity_documents)) do
		local kind = given(d.type)
		local expiry = given(d.expiry)
		local expired = dates.valid(expiry) and
		    dates.compare(expiry, ctx.today) < 0
		local accepted = ACCEPTED_ID[kind] or given(d.photo) == true
		if accepted and not expired then
			valid_ids = valid_ids + 1
			if given(d.photo) == true then
				photo = true
			end
			if kind == "passport" or kind == "other" then
				has_passport = true
			end
		end
		local lang = given(d.language)
		if type(lang) == "string" and not OFFICIAL_LANGUAGES[lang] and
		    given(d.translation) ~= true then
			add("translation_needed", "error",
			    path("identity_documents", i, "translation"),
			    "This document is in neither English nor French: a " ..
			    "notarized or certified translation is needed " ..
			    "(REGDOC 5.2, 5.3.3).", { "REGDOC 5.2", "REGDOC 5.3.3" })
		end
	end
	-- The vault's documents (5.2, 5.2.4): one in neither official
	-- language needs its certified translation linked and verified.
	for _, d in ipairs(list(case.documents)) do
		local lang = given(d.language)
		local t = given(d.translation)
		if type(lang) == "string" and not OFFICIAL_LANGUAGES[lang] and
		    (type(t) ~= "table" or given(t.verified) ~= true) then
			add("translation_needed", "error", "documents",
			    "Document " .. tostring(given(d.id)) .. " is in neither " ..
			    "English nor French: link its certified translation, " ..
			    "verified by screening (REGDOC 5.2, 5.2.4).",
			    { "REGDOC 5.2", "REGDOC 5.2.4" })
		end
	end
	if valid_ids < 2 then
		add("identity_documents_missing", "error", "identity_documents",
		    "Two valid pieces of government identification are needed; " ..
		    valid_ids .. " on file (REGDOC 5.2.1).", { "REGDOC 5.2.1" })
	end
	if not photo then
		add("photo_id_missing", "error", "identity_documents",
		    "At least one identification document must show a current " ..
		    "photo of the applicant's face (REGDOC 5.2.1, NSR 17(2)).",
		    { "REGDOC 5.2.1" })
	end
	if M.foreign_national(case, ctx) and not has_passport then
		add("identity_documents_missing", "error", "identity_documents",
		    "A foreign national provides a passport or work visa as " ..
		    "identification and proof of legal status (REGDOC 5.2.3).",
		    { "REGDOC 5.2.3" })
	end

	-- Five-year traceable history (4.3), back to age 16 when under 21;
	-- gaps must be accounted for (4.4).
	-- A gap the security interview could not resolve no longer blocks the
	-- file: the licensee may still decide, and a grant is reported to the
	-- CNSC (6.1). It stays on the list as a warning.
	local h = M.history(case, ctx)
	local after_interview = M.interview_with(case, "completed") ~= nil
	local gap_severity = after_interview and "warning" or "error"
	local unresolved = after_interview and " Still unresolved after the " ..
	    "security interview: a grant is reported to the CNSC (REGDOC 6.1)." or ""
	for _, g in ipairs(h.residence_gaps) do
		add("history_gap", gap_severity, "residences",
		    "No residence accounts for " .. g.from .. " to " .. g.to ..
		    " (" .. g.days .. " days) in the history window from " ..
		    h.from .. " (REGDOC 4.3, 4.4)." .. unresolved,
		    { "REGDOC 4.3", "REGDOC 4.4" })
	end
	for _, g in ipairs(h.activity_gaps) do
		add("employment_gap", gap_severity, "employment",
		    "No employment, study or explained period accounts for " ..
		    g.from .. " to " .. g.to .. " (" .. g.days .. " days) " ..
		    "(REGDOC 4.3, 4.4)." .. unresolved, { "REGDOC 4.3", "REGDOC 4.4" })
	end

	-- Criminal record name checks (4.3, 5.2.2, 5.2.3).
	for _, need in ipairs(M.crnc_countries(case, ctx, h)) do
		local c = M.crnc_for(case, need.country)
		local result = c and given(c.result)
		if not c then
			add("crnc_needed", "error", "crnc",
			    "A criminal record name check from " .. need.country ..
			    " is needed: " .. need.why .. " (" ..
			    cite_text(need.cites) .. ").", need.cites)
		elseif result == "pending" then
			add("crnc_needed", "warning", "crnc",
			    "The criminal record name check from " .. need.country ..
			    " is requested but has no result yet (" ..
			    cite_text(need.cites) .. ").", need.cites)
		end
	end
	for i, c in ipairs(list(case.crnc)) do
		if given(c.result) == "unavailable" then
			add("fingerprints_needed", "warning", path("crnc", i, "result"),
			    "No name check is available from " ..
			    tostring(given(c.country)) .. ": verify criminal history " ..
			    "by fingerprints through a police service or a trusted " ..
			    "third party (REGDOC 5.2.2, 5.2.5).",
			    { "REGDOC 5.2.2", "REGDOC 5.2.5" })
		end
	end
	for i, cv in ipairs(list(case.convictions)) do
		if given(cv.class) == "indictable" then
			add("fingerprints_needed", "warning", path("convictions", i),
			    "An indictable conviction is declared: verify it by " ..
			    "fingerprints (REGDOC 5.2.2).", { "REGDOC 5.2.2" })
		end
	end

	-- Credit check (5.1): when the position needs one, and for cause
	-- (bankruptcy, or a conviction such as fraud).
	local pos = given(case.position) or {}
	local has_credit = given(case.credit_check) ~= nil
	if given(pos.credit_check_required) == true and not has_credit then
		add("credit_check_needed", "error", "credit_check",
		    "This position needs a credit check (access to financial " ..
		    "information or funds, or signing authority) (REGDOC 5.1).",
		    { "REGDOC 5.1" })
	elseif not has_credit then
		local cause
		for _, a in ipairs(list(case.adverse)) do
			if given(a.summary_code) == "bankruptcy" then
				cause = "a bankruptcy is on file"
			end
		end
		for _, cv in ipairs(list(case.convictions)) do
			local o = given(cv.offence)
			if type(o) == "string" and o:lower():find("fraud", 1, true) then
				cause = "a fraud conviction is declared"
			end
		end
		if cause then
			add("credit_check_needed", "warning", "credit_check",
			    "A credit check for cause is advised: " .. cause ..
			    " (REGDOC 5.1).", { "REGDOC 5.1" })
		end
	end
	return out
end

-- What the applicant can fix before submitting, as opposed to what the
-- office completes during screening: consent sections A, D and E are the
-- licensee's (5.1), and so is the credit check.
local OFFICE_PATHS = { ["consent.parts.A"] = true, ["consent.parts.D"] = true,
    ["consent.parts.E"] = true, ["credit_check"] = true }
local GAP_CODES = { history_gap = true, employment_gap = true }

-- errors(case, ctx, applicant_only) -> the requirements that block the
-- file. For the applicant (applicant_only) that is every error of their
-- own part, gaps included: they must account for each one (4.4). For the
-- office a gap does not block: the office resolves it with the applicant
-- in a security interview (4.4, 5.3.2), and a gap the interview cannot
-- resolve is for the decision to weigh and report (6.1).
function M.errors(case, ctx, applicant_only)
	local out = {}
	for _, r in ipairs(M.requirements(case, ctx)) do
		if r.severity == "error" and not (applicant_only and
		    OFFICE_PATHS[r.path]) and not (not applicant_only and
		    GAP_CODES[r.code]) then
			out[#out + 1] = r
		end
	end
	return out
end

-- --- security interview triggers (5.3.2) -----------------------------------

function M.interview_triggers(case, ctx)
	local reasons, elevated = {}, false
	local function add(code, message, cites, elevates)
		reasons[#reasons + 1] = { code = code, message = message,
		    cites = cites }
		if elevates then
			elevated = true
		end
	end
	local h = M.history(case, ctx)
	local convictions = list(case.convictions)
	local indictable, summary = 0, 0
	for _, cv in ipairs(convictions) do
		if given(cv.class) == "indictable" then
			indictable = indictable + 1
		else
			summary = summary + 1
		end
	end
	local police_record = false
	for _, c in ipairs(list(case.crnc)) do
		if given(c.result) == "record" then
			police_record = true
		end
	end
	local documentation = M.adverse_of(case, "documentation")
	local criminal_links = M.adverse_of(case, "criminal")
	local threat = M.adverse_of(case, "threat")
	local criminal_history = #convictions > 0 or police_record or
	    #criminal_links > 0

	-- incomplete or questionable documentation (5.3.2, 4.4); a record the
	-- applicant did not declare is such a discrepancy (4.4).
	local undeclared = police_record and #convictions == 0
	if #documentation > 0 or undeclared then
		local why = undeclared and #documentation == 0 and
		    "a police record was found that the applicant did not declare" or
		    "information on file is questionable or does not match what " ..
		    "the applicant provided"
		-- a discrepancy next to a criminal history is the example of
		-- 5.3.2 (fraud, then false qualifications): elevated risk
		add("questionable_documentation",
		    "Resolve questionable documentation: " .. why ..
		    " (REGDOC 5.3.2, 4.4).", { "REGDOC 5.3.2", "REGDOC 4.4" },
		    criminal_history)
	end
	-- poor or questionable credit history (5.3.2)
	local credit = given(case.credit_check)
	if (credit and given(credit.result) == "adverse") or
	    #M.adverse_of(case, "credit") > 0 then
		add("poor_credit", "Poor or questionable credit history " ..
		    "(REGDOC 5.3.2).", { "REGDOC 5.3.2" })
	end
	-- indictable convictions (5.3.2, 4.4, 5.2.5): elevated risk
	if indictable > 0 then
		add("indictable_conviction", "An indictable conviction calls for " ..
		    "a security interview to assess the risk to the site; " ..
		    "elevated risk, two interviewers (REGDOC 5.3.2, 4.4, 5.2.5).",
		    { "REGDOC 5.3.2", "REGDOC 4.4", "REGDOC 5.2.5" }, true)
	end
	-- past criminal activity (5.3.2, 5.2.5, 5.3.1): other convictions, a
	-- police record, or links to a criminal element
	if summary > 0 or police_record or #criminal_links > 0 then
		add("past_criminal_activity", "Past criminal activity on file " ..
		    "(a declared conviction, a police record or links to a " ..
		    "criminal element) (REGDOC 5.3.2, 5.2.5, 5.3.1).",
		    { "REGDOC 5.3.2", "REGDOC 5.2.5", "REGDOC 5.3.1" },
		    #criminal_links > 0 or #convictions > 1)
	end
	-- fewer than five consecutive years of traceable history (5.3.2):
	-- unexplained gaps, and stays abroad no name check covers (5.2.2)
	if #h.residence_gaps > 0 or #h.activity_gaps > 0 then
		add("history_gap", "The history has unexplained gaps " ..
		    "(REGDOC 5.3.2, 4.4).", { "REGDOC 5.3.2", "REGDOC 4.4" })
	end
	local unchecked = {}
	for _, s in ipairs(h.abroad) do
		if not completed(M.crnc_for(case, s.country)) then
			unchecked[s.country] = true
			add("foreign_residence_unchecked", "Resided or worked in " ..
			    s.country .. " for " .. s.months .. " months with no " ..
			    "completed criminal record name check from there: less " ..
			    "than five years of traceable history (REGDOC 5.3.2, " ..
			    "5.2.2).", { "REGDOC 5.3.2", "REGDOC 5.2.2" })
		end
	end
	for _, c in ipairs(list(case.crnc)) do
		local country = given(c.country)
		if given(c.result) == "unavailable" and not unchecked[country] then
			unchecked[country] = true
			add("crnc_incomplete", "The criminal record name check from " ..
			    tostring(country) .. " is unavailable: fingerprints and " ..
			    "a security interview (REGDOC 5.2.5).", { "REGDOC 5.2.5" })
		end
	end
	-- adverse or insufficient information from the agency (5.3.2, 5.2.6)
	if M.has_notice(case, "NRT_INSUFFICIENT") then
		add("agency_insufficient", "The agency could not assess the " ..
		    "applicant for lack of information (REGDOC 5.3.2, 5.2.6).",
		    { "REGDOC 5.3.2", "REGDOC 5.2.6" })
	end
	local agency_adverse = M.has_notice(case, "NOA_BRIEF")
	for _, a in ipairs(list(case.adverse)) do
		if given(a.source) == "agency" then
			agency_adverse = true
		end
	end
	if agency_adverse then
		add("agency_adverse", "The agency reported adverse information; " ..
		    "elevated risk, two interviewers (REGDOC 5.3.2, 5.2.6).",
		    { "REGDOC 5.3.2", "REGDOC 5.2.6" }, true)
	end
	-- any other adverse information with potential risk (5.3.1, 5.3.2)
	local other = {}
	for _, a in ipairs(list(case.adverse)) do
		local kind = M.codes[given(a.summary_code)]
		if kind == nil or kind == "threat" then
			other[#other + 1] = a
		end
	end
	if #other > 0 then
		add("adverse_information", "Adverse information on file that may " ..
		    "carry risk to the site or national security" ..
		    (#threat > 0 and "; a possible security threat: elevated " ..
		    "risk, two interviewers" or "") ..
		    " (REGDOC 5.3.1, 5.3.2).", { "REGDOC 5.3.1", "REGDOC 5.3.2" },
		    #threat > 0)
	end
	-- review for cause (5.3.2): the threshold for action is met
	if given(case.kind) == "review_for_cause" then
		add("for_cause", "The clearance is under review for cause " ..
		    "(REGDOC 5.3.2, 6.1).", { "REGDOC 5.3.2", "REGDOC 6.1" })
	end
	-- a transfer with a criminal or adverse record needs its own risk
	-- assessment (5.2.5, 8.0)
	if given(case.kind) == "transfer_in" and
	    (criminal_history or #list(case.adverse) > 0) then
		add("transfer_with_record", "Transfer of a holder with a " ..
		    "criminal conviction or adverse information: assess the risk " ..
		    "of the new assignment (REGDOC 5.2.5, 8.0).",
		    { "REGDOC 5.2.5", "REGDOC 8.0" })
	end
	-- A site may have every interview held by two interviewers (setting
	-- interview_two_always), for instance around vital areas (5.4.2).
	if #reasons > 0 and not elevated and
	    setting(ctx, "interview_two_always", false) == true then
		elevated = true
		add("site_two_interviewers", "At this site every security " ..
		    "interview is held by two interviewers (REGDOC 5.3.2, 5.4.2).",
		    { "REGDOC 5.3.2", "REGDOC 5.4.2" })
	end

	-- The triggers are answered by a completed interview with enough
	-- interviewers, held after the latest agency notice that calls for one.
	local since = M.latest_agency_concern(case)
	local settled = false
	for _, iv in ipairs(list(case.interviews)) do
		local d = given(iv.date)
		if given(iv.outcome) == "completed" and
		    #list(iv.interviewers) >= (elevated and 2 or 1) and
		    (since == nil or (dates.valid(d) and dates.compare(d, since) >= 0)) then
			settled = true
		end
	end
	return { needed = #reasons > 0 and not settled,
	    two_interviewers = elevated, reasons = reasons }
end

return M
