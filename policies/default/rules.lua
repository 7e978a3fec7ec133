-- rules: what makes an application complete, and what calls for a security
-- interview, for the default policy set. policy.lua exports these as
-- requirements() and interview_triggers(), and workflow.lua uses them in its
-- guards, so the screen the applicant sees, the interview queue and the
-- workflow all apply the same rules. Completeness follows REGDOC-2.12.2:
-- consent parts A-E signed (5.1), a credit check when the position calls for
-- one (5.1), personal data (5.2.1), a traceable residence and employment
-- history over the window of 4.3 with gaps explained (4.4), two government
-- identity documents with at least one photo ID (5.2.1), certified
-- translations for documents not in English or French (5.2), and a criminal
-- record name check for each country lived in for six months or more from
-- age sixteen (5.2.2, 5.2.3). Interview triggers follow REGDOC 4.4, 5.2.5,
-- 5.3.1 and 5.3.2, and NZSIS B2 for a refusal to explain. An organization
-- that screens differently may ship its own rules.lua: it is found before
-- this one, and must offer the same entry points (requirements,
-- interview_triggers, errors) because the default workflow's guards use them.

local dates = require("dates")
local history = require("history")

local R = {}

-- A JSON null from vetd counts as an empty field.
local function v(x)
	if x == null then
		return nil
	end
	return x
end

local function text(x)
	x = v(x)
	return type(x) == "string" and x:match("%S") ~= nil
end

local function list(x)
	x = v(x)
	if type(x) == "table" then
		return x
	end
	return {}
end

local DEFAULTS = { history_years = 5, history_min_age = 16,
    history_full_age = 21, gap_days = 30, abroad_months = 6,
    document_languages = { "en", "fr" } }

-- setting(ctx, key): the organization's value, or the default.
function R.setting(ctx, key)
	local s = ctx and v(ctx.settings)
	local value = s and v(s[key])
	if value == nil then
		return DEFAULTS[key]
	end
	return value
end

-- The day the history is counted back from: the day the application was
-- submitted (REGDOC 4.3, "immediately preceding the application"), or today.
function R.reference_day(case, ctx)
	if dates.valid(v(case.submitted)) then
		return case.submitted
	end
	return ctx.today
end

-- The history window, the spans the applicant has explained, and the
-- settings, as used by several checks.
function R.window(case, ctx)
	local person = list(case.person)
	local ref = R.reference_day(case, ctx)
	local settings = {
		history_years = R.setting(ctx, "history_years"),
		history_min_age = R.setting(ctx, "history_min_age"),
		history_full_age = R.setting(ctx, "history_full_age"),
	}
	return history.window(v(person.date_of_birth), ref, settings)
end

-- Explained spans count as covered; an explanation left blank does not.
local function explained(case)
	local out = {}
	for _, e in ipairs(list(case.history_gaps_explained)) do
		if text(e.explanation) then
			out[#out + 1] = e
		end
	end
	return out
end

local function concat(...)
	local out = {}
	for _, l in ipairs({ ... }) do
		for _, x in ipairs(l) do
			out[#out + 1] = x
		end
	end
	return out
end

-- gaps(case, ctx) -> residence gaps, employment gaps (unexplained, longer
-- than gap_days, inside the history window). Education counts as activity.
function R.gaps(case, ctx)
	local from, to = R.window(case, ctx)
	local min = R.setting(ctx, "gap_days")
	local ok = explained(case)
	local res = history.gaps(concat(list(case.residences), ok), from, to, min, to)
	local emp = history.gaps(concat(list(case.employment), list(case.education), ok),
	    from, to, min, to)
	return res, emp
end

local function home_countries(case, ctx)
	local configured = R.setting(ctx, "home_countries")
	if type(configured) == "table" and #configured > 0 then
		return configured, true
	end
	local address = list(list(case.person).address)
	if text(address.country) then
		return { address.country }, false
	end
	return {}, false
end

-- countries_needing_crnc(case, ctx) -> list of { country, why, cite }:
-- each country lived in for abroad_months or more inside the window from
-- age 16 (REGDOC 5.2.2), and for a foreign national the country of origin
-- (REGDOC 5.2.3, when the organization names its home countries).
function R.countries_needing_crnc(case, ctx)
	local person = list(case.person)
	local from, to = R.window(case, ctx)
	local clipped = {}
	for _, r in ipairs(list(case.residences)) do
		local rf, rt = v(r.from), v(r.to) or to
		if dates.valid(rf) and dates.valid(rt) then
			rf, rt = dates.max(rf, from), dates.min(rt, to)
			if dates.compare(rf, rt) <= 0 then
				clipped[#clipped + 1] = { from = rf, to = rt, country = v(r.country) }
			end
		end
	end
	local home, configured = home_countries(case, ctx)
	local out, seen = {}, {}
	local periods = history.abroad(clipped, home, v(person.date_of_birth),
	    R.setting(ctx, "history_min_age"), R.setting(ctx, "abroad_months"), to)
	for _, p in ipairs(periods) do
		if not seen[p.country] then
			seen[p.country] = true
			out[#out + 1] = { country = p.country, cite = "REGDOC 5.2.2",
			    why = "lived there from " .. p.from .. " to " .. p.to
			    .. " (" .. p.months .. " months)" }
		end
	end
	if configured then
		local is_home = {}
		for _, c in ipairs(home) do
			is_home[c] = true
		end
		local citizen = false
		for _, c in ipairs(list(person.citizenships)) do
			citizen = citizen or is_home[c] == true
		end
		if not citizen then
			for _, c in ipairs(list(person.citizenships)) do
				if not seen[c] then
					seen[c] = true
					out[#out + 1] = { country = c, cite = "REGDOC 5.2.3",
					    why = "country of origin of a foreign national" }
				end
			end
		end
	end
	return out
end

local GOVERNMENT_ID = { passport = true, birth_certificate = true,
    citizenship_certificate = true, driver_licence = true,
    provincial_id = true, permanent_resident_card = true }

-- Does this document count as valid government identification (REGDOC
-- 5.2.1)? "other" counts only as other government-issued photo ID.
local function valid_id(doc, ref)
	local t = v(doc.type)
	if not (GOVERNMENT_ID[t] or (t == "other" and v(doc.photo) == true)) then
		return false
	end
	local expiry = v(doc.expiry)
	if dates.valid(expiry) and dates.compare(expiry, ref) < 0 then
		return false
	end
	return true
end

local CONSENT_PARTS = { "A", "B", "C", "D", "E" }

-- requirements(case, ctx): see the contract. Every item is an error unless
-- it is a check that has been asked for and is awaited (a warning).
function R.requirements(case, ctx)
	local out = {}
	local function add(code, message, path, cites, severity)
		out[#out + 1] = { code = code, message = message, path = path,
		    severity = severity or "error", cites = cites }
	end
	local ref = R.reference_day(case, ctx)
	local person = list(case.person)

	-- Personal data (REGDOC 5.2.1)
	local function need(value, path, what)
		if not text(value) then
			add("person_incomplete", "The " .. what .. " is missing.", path,
			    { "REGDOC 5.2.1" })
		end
	end
	need(person.name, "person.name", "full name")
	local dob = v(person.date_of_birth)
	if not dates.valid(dob) then
		add("person_incomplete", "The date of birth is missing or is not a date.",
		    "person.date_of_birth", { "REGDOC 5.2.1" })
	elseif dates.compare(dob, ctx.today) > 0 then
		add("person_incomplete", "The date of birth is in the future.",
		    "person.date_of_birth", { "REGDOC 5.2.1" })
	end
	local pob = list(person.place_of_birth)
	need(pob.city, "person.place_of_birth.city", "city or town of birth")
	need(pob.country, "person.place_of_birth.country", "country of birth")
	if not text(pob.region) then
		add("person_incomplete", "The province or state of birth is missing; "
		    .. "confirm the country has none.", "person.place_of_birth.region",
		    { "REGDOC 5.2.1" }, "warning")
	end
	if #list(person.citizenships) == 0 then
		add("person_incomplete", "No citizenship is recorded.",
		    "person.citizenships", { "REGDOC 5.2.1" })
	end
	local address = list(person.address)
	need(address.line, "person.address.line", "current street address")
	need(address.city, "person.address.city", "city of the current address")
	need(address.country, "person.address.country", "country of the current address")
	need(person.occupation, "person.occupation", "occupation")

	-- Traceable history (REGDOC 4.3, 4.4)
	local from, to = R.window(case, ctx)
	local res_gaps, emp_gaps = R.gaps(case, ctx)
	for _, g in ipairs(res_gaps) do
		add("history_gap", "No residence is recorded from " .. g.from .. " to "
		    .. g.to .. " (" .. g.days .. " days). The residence history must be "
		    .. "traceable from " .. from .. " to " .. to .. "; add the address "
		    .. "or explain the gap.", "residences", { "REGDOC 4.3", "REGDOC 4.4" })
	end
	for _, g in ipairs(emp_gaps) do
		add("employment_gap", "No employment or education is recorded from "
		    .. g.from .. " to " .. g.to .. " (" .. g.days .. " days). Add the "
		    .. "missing record or explain the gap (for example, unemployment).",
		    "employment", { "REGDOC 4.3", "REGDOC 4.4" })
	end

	-- Identity documents (REGDOC 5.2.1) and translations (REGDOC 5.2)
	local docs = list(case.identity_documents)
	local valid, photo = 0, false
	for _, d in ipairs(docs) do
		if valid_id(d, ref) then
			valid = valid + 1
			photo = photo or v(d.photo) == true
		end
	end
	if valid < 2 then
		add("identity_documents_missing", "Two pieces of valid government "
		    .. "identification are needed; " .. valid .. " "
		    .. (valid == 1 and "is" or "are") .. " on file (expired documents "
		    .. "do not count).", "identity_documents", { "REGDOC 5.2.1" })
	end
	if not photo then
		add("photo_id_missing", "At least one identity document must be photo "
		    .. "identification showing the applicant's face.",
		    "identity_documents", { "REGDOC 5.2.1" })
	end
	local languages = {}
	for _, l in ipairs(R.setting(ctx, "document_languages")) do
		languages[l] = true
	end
	for i, d in ipairs(docs) do
		local lang = v(d.language)
		if text(lang) and not languages[lang] and v(d.translation) ~= true then
			add("translation_needed", "The " .. tostring(v(d.type) or "document")
			    .. " (identity document " .. i .. ") is in '" .. lang
			    .. "'; a certified translation is needed.",
			    "identity_documents[" .. i .. "]", { "REGDOC 5.2", "REGDOC 5.3.3" })
		end
	end
	-- Documents in the vault: one in neither official language needs a
	-- linked certified translation, itself verified (REGDOC 5.2, 5.2.4).
	for _, d in ipairs(list(case.documents)) do
		local lang = v(d.language)
		if text(lang) and not languages[lang] then
			local t = v(d.translation)
			if type(t) ~= "table" or v(t.verified) ~= true then
				add("translation_needed", "Document " .. tostring(v(d.id))
				    .. " (" .. tostring(v(d.kind)) .. ") is in '" .. lang
				    .. "'; link its certified translation, verified by "
				    .. "screening.", "documents", { "REGDOC 5.2", "REGDOC 5.2.4" })
			end
		end
	end

	-- Criminal record name checks abroad (REGDOC 5.2.2, 5.2.3)
	local crnc = {}
	for _, c in ipairs(list(case.crnc)) do
		if text(c.country) then
			crnc[c.country] = crnc[c.country] or {}
			crnc[c.country][v(c.result) or "pending"] = true
		end
	end
	for _, need_c in ipairs(R.countries_needing_crnc(case, ctx)) do
		local got = crnc[need_c.country]
		if got == nil then
			add("crnc_needed", "A criminal record name check from "
			    .. need_c.country .. " is needed (" .. need_c.why .. ").", "crnc",
			    { need_c.cite })
		elseif not (got.no_record or got.record) then
			if got.unavailable then
				add("crnc_needed", "No criminal record name check is available "
				    .. "from " .. need_c.country .. "; verify through fingerprints "
				    .. "or a trusted third party.", "crnc", { "REGDOC 5.2.2" },
				    "warning")
			else
				add("crnc_needed", "The criminal record name check from "
				    .. need_c.country .. " has been asked for and not yet "
				    .. "received.", "crnc", { need_c.cite }, "warning")
			end
		end
	end

	-- Consent and authorization (REGDOC 5.1)
	local parts = list(list(case.consent).parts)
	for _, p in ipairs(CONSENT_PARTS) do
		local part = list(parts[p])
		local d = v(part.date)
		if not text(part.signed_by) or not dates.valid(d)
		    or dates.compare(d, ctx.today) > 0 then
			add("consent_unsigned", "Part " .. p .. " of the consent and "
			    .. "authorization form is not signed and dated.",
			    "consent.parts." .. p, { "REGDOC 5.1" })
		end
	end

	-- Credit check when the position calls for one (REGDOC 5.1)
	local position = list(case.position)
	local credit = list(case.credit_check)
	if v(position.credit_check_required) == true and not text(credit.result) then
		add("credit_check_needed", "This position requires a credit check and "
		    .. "none is on file.", "credit_check", { "REGDOC 5.1" })
	end
	return out
end

-- What the applicant can fix before submitting, as opposed to what the
-- office completes during screening (consent parts A, D and E are the
-- office's, REGDOC 5.1; so is the credit check).
local OFFICE_PATHS = { ["consent.parts.A"] = true, ["consent.parts.D"] = true,
    ["consent.parts.E"] = true, ["credit_check"] = true }

-- errors(case, ctx, applicant_only) -> list of error items.
function R.errors(case, ctx, applicant_only)
	local out = {}
	for _, item in ipairs(R.requirements(case, ctx)) do
		if item.severity == "error" and not (applicant_only and OFFICE_PATHS[item.path]) then
			out[#out + 1] = item
		end
	end
	return out
end

-- interview_triggers(case, ctx): see the contract.
function R.interview_triggers(case, ctx)
	local reasons, two = {}, false
	local function add(code, message, cites, elevated)
		reasons[#reasons + 1] = { code = code, message = message, cites = cites }
		two = two or elevated == true
	end

	local indictable, summary = 0, 0
	for _, c in ipairs(list(case.convictions)) do
		if v(c.class) == "indictable" then
			indictable = indictable + 1
		else
			summary = summary + 1
		end
	end
	for _, c in ipairs(list(case.crnc)) do
		if v(c.result) == "record" then
			summary = summary + 1
		end
	end
	if indictable > 0 then
		add("indictable_conviction", "An indictable conviction is on file; the "
		    .. "risk must be assessed in a security interview with two "
		    .. "interviewers.", { "REGDOC 4.4", "REGDOC 5.2.5", "REGDOC 5.3.2" }, true)
	end
	if summary > 0 then
		add("criminal_record", "A criminal record is declared or was found; "
		    .. "the circumstances are to be reviewed in an interview.",
		    { "REGDOC 5.2.5", "REGDOC 5.3.2" })
	end

	local agency = false
	for _, a in ipairs(list(case.adverse)) do
		agency = agency or v(a.source) == "agency"
	end
	if #list(case.adverse) > 0 then
		add("adverse_information", "Adverse information is on file"
		    .. (agency and ", including from an agency" or "") .. ".",
		    { "REGDOC 5.3.1", "REGDOC 5.3.2" }, agency)
	end

	local latest_notice
	for _, n in ipairs(list(case.notices)) do
		local t = v(n.type)
		if t == "NOA_BRIEF" then
			add("noa_brief", "The security intelligence agency sent a notice of "
			    .. "assessment with adverse information (NOA - brief).",
			    { "REGDOC 5.2.6", "REGDOC 5.3.2" }, true)
		elseif t == "NRT_INSUFFICIENT" then
			add("insufficient_information", "The agency had insufficient "
			    .. "information to assess the applicant.", { "REGDOC 5.3.2" })
		end
		if (t == "NOA_BRIEF" or t == "NRT_INSUFFICIENT") and dates.valid(v(n.date)) then
			latest_notice = latest_notice and dates.max(latest_notice, n.date) or n.date
		end
	end

	local res_gaps, emp_gaps = R.gaps(case, ctx)
	if #res_gaps + #emp_gaps > 0 then
		add("history_gap", "The history has " .. (#res_gaps + #emp_gaps)
		    .. " unexplained gap(s); there are not five consecutive years of "
		    .. "traceable history.", { "REGDOC 4.4", "REGDOC 5.3.2" })
	end
	for _, c in ipairs(list(case.crnc)) do
		if v(c.result) == "unavailable" then
			add("crnc_incomplete", "The criminal record name check from "
			    .. tostring(v(c.country)) .. " is unavailable.", { "REGDOC 5.2.5" })
			break
		end
	end

	local credit = list(case.credit_check)
	if v(credit.result) == "adverse" then
		add("credit_history", "The credit check is adverse.", { "REGDOC 5.3.2" })
	end

	local refused = false
	for _, e in ipairs(list(case.history_gaps_explained)) do
		refused = refused or not text(e.explanation)
	end
	for _, i in ipairs(list(case.interviews)) do
		refused = refused or v(i.outcome) == "refused"
	end
	if refused then
		add("refused_to_explain", "The applicant declined to explain part of "
		    .. "the file or to be interviewed; this must be put to the applicant, "
		    .. "and a continued refusal normally leads to denial.",
		    { "NZSIS B2", "REGDOC 5.4.4" })
	end
	for _, i in ipairs(list(case.interviews)) do
		if v(i.outcome) == "inconclusive" then
			add("follow_up", "An earlier interview was inconclusive.",
			    { "REGDOC 5.3.2" })
			break
		end
	end
	if v(case.kind) == "review_for_cause" then
		add("for_cause", "The clearance is under review for cause.",
		    { "REGDOC 5.3.2" })
	end

	-- A completed interview with enough interviewers, held after the last
	-- agency notice, settles the triggers.
	local settled = false
	for _, i in ipairs(list(case.interviews)) do
		local d = v(i.date)
		if v(i.outcome) == "completed"
		    and #list(i.interviewers) >= (two and 2 or 1)
		    and (latest_notice == nil or (dates.valid(d) and dates.compare(d, latest_notice) >= 0)) then
			settled = true
		end
	end
	return { needed = #reasons > 0 and not settled, two_interviewers = two,
	    reasons = reasons }
end

return R
