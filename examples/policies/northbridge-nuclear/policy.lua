-- Northbridge Nuclear: the rules of a nuclear licensee granting site access
-- security clearances (SASC) under CNSC REGDOC-2.12.2. The screening rules
-- (what the file needs, when to interview) live in rules.lua so the sites
-- can reuse them. This file adds what the REGDOC changes in the decision:
-- agency notices (5.2.6) keep the file moving or hold it; a refusal to be
-- interviewed means no clearance (5.4.4, 5.5); nothing is decided before
-- the file is complete and the interview it calls for has been held (4.4,
-- 5.3.2); restrictions are offered only where the risk is manageable
-- (5.4.1, 5.4.2); a grant despite unresolved gaps, an insufficient-
-- information notice or adverse information, and every denial, is reported
-- to the CNSC (6.1, 6.2). The adjudicator's guideline findings are weighed
-- as the NZSIS guidelines A-G describe (whole person, mitigation, recency,
-- patterns, holder factors); G6 and B4 can never count against anyone.
-- Functions not defined here come from the default policy.

local adjudication = require("adjudication")
local guidelines = require("guidelines")
local dates = require("dates")
local rules = require("rules")

local given, list, setting = rules.given, rules.list, rules.setting

-- Is x in the list l (JSON nulls in it count as absent)?
local function member(l, x)
	for _, y in ipairs(l) do
		if given(y) == x then
			return true
		end
	end
	return false
end

-- --- the guideline findings (NZSIS A-G) ----------------------------------

local RANK = { grant = 1, grant_with_warning = 2, grant_with_restrictions = 3,
    refer = 4, deny = 5 }

local function worse(a, b)
	if RANK[b] > RANK[a] then
		return b
	end
	return a
end

local function concat(...)
	local out = {}
	for _, l in ipairs({ ... }) do
		for _, v in ipairs(l) do
			out[#out + 1] = v
		end
	end
	return out
end

local function mitigating_ids(letter)
	local out = {}
	for _, item in ipairs(guidelines.of(letter)) do
		if item.kind == "mitigating" then
			out[#out + 1] = item.id
		end
	end
	return out
end

-- Conditions grave in themselves: unmitigated, they mean a denial whatever
-- the conduct factors or a holder's record say. Espionage, sabotage,
-- terrorism and those who commit them (A6, A7), hidden contact with a
-- foreign intelligence service (A14), acting for a foreign party or another
-- country (A19, A20), refusing to cooperate with the vetting (B2, which
-- REGDOC 5.4.4 and 5.5 also bar), intending to go on using drugs (D16), and
-- security breaches that did harm (F9, F15).
local GRAVE = { A6 = true, A7 = true, A14 = true, A19 = true, A20 = true,
    B2 = true, D16 = true, F9 = true, F15 = true }

local function grave_in_itself(ids)
	for _, id in ipairs(ids) do
		if GRAVE[id] then
			return id
		end
	end
	return nil
end

-- Weigh the worksheet's findings guideline by guideline, as the NZSIS
-- criteria describe. Returns the recommendation they support and adds
-- their reasons to the builder.
local function weigh_guidelines(case, ws, f, ctx, b)
	local conduct = given(ws.conduct) or {}
	local years = setting(ctx, "recent_years", 5)
	local rec = "grant"
	local found = false

	-- Having sought counselling is never a ground (G6): it is kept apart
	-- from the findings by the library and only acknowledged here.
	if f.protected.G6 then
		b:reason("Having sought mental health counselling is never by " ..
		    "itself held against the applicant (G6); it is not weighed.",
		    { "G6" })
	end

	local holder_factors = {}
	for _, h in ipairs(guidelines.holder_factors) do
		if f.holder[h.id] then
			holder_factors[#holder_factors + 1] = h.id
		end
	end
	local holder_ok = given(case.holder) == true and
	    #holder_factors >= setting(ctx, "holder_factors_needed", 3)

	for _, letter in ipairs(guidelines.letters) do
		local g = f.guidelines[letter]
		if g and #g.disqualifying > 0 then
			found = true
			local latest
			for _, id in ipairs(g.disqualifying) do
				local d = f.disqualifying[id].date
				if d and (latest == nil or dates.compare(d, latest) > 0) then
					latest = d
				end
			end
			local recent = (latest ~= nil and
			    adjudication.recent(latest, ctx.today, years)) or
			    given(conduct.recency) == "recent" or
			    given(conduct.recency) == "current"
			local ids = table.concat(g.disqualifying, ", ")
			local head = "Guideline " .. letter .. " (" ..
			    guidelines.guidelines[letter].title:lower() .. "): " .. ids
			if #g.mitigating > 0 then
				local cites = concat(g.disqualifying, g.mitigating)
				local by = table.concat(g.mitigating, ", ")
				if recent then
					rec = worse(rec, "grant_with_warning")
					b:reason(head .. " found, mitigated by " .. by .. "; the " ..
					    "conduct is recent: a grant carries a warning that a " ..
					    "repeat may lead to an adverse decision.", cites)
					b:would_change("No recurrence for " .. years ..
					    " years after " .. (latest or "the conduct") ..
					    " would allow a grant without warning.",
					    g.disqualifying)
				else
					b:reason(head .. " found, mitigated by " .. by ..
					    "; the conduct is not recent.", cites)
				end
			elseif grave_in_itself(g.disqualifying) then
				rec = worse(rec, "deny")
				b:reason(head .. " found and no mitigating condition " ..
				    "applies; " .. grave_in_itself(g.disqualifying) ..
				    " is grave in itself.", g.disqualifying)
				b:would_change("A mitigating condition of guideline " ..
				    letter .. " found for " .. ids .. " would let the " ..
				    "file be weighed.", concat(g.disqualifying,
				    mitigating_ids(letter)))
			elseif holder_ok then
				rec = worse(rec, "grant_with_warning")
				b:reason(head .. " found, not mitigated; the person already " ..
				    "holds a clearance and the holder factors (" ..
				    table.concat(holder_factors, ", ") .. ") weigh toward " ..
				    "continuing it, with a warning.",
				    concat(g.disqualifying, holder_factors))
			elseif given(conduct.seriousness) == "low" and
			    given(conduct.recurrence) == "unlikely" then
				rec = worse(rec, "grant_with_warning")
				b:reason(head .. " found, not mitigated, but of low " ..
				    "seriousness and unlikely to recur: not serious enough " ..
				    "to refuse, so grant with a warning.", g.disqualifying)
			else
				local grave = given(conduct.seriousness) == "high" or
				    given(conduct.recency) == "current" or
				    given(conduct.recurrence) == "likely"
				rec = worse(rec, grave and "deny" or "refer")
				b:reason(head .. " found and no mitigating condition " ..
				    "applies; " .. (grave and "the conduct is serious, " ..
				    "current or likely to recur." or "the doubt goes to " ..
				    "the senior program authority (REGDOC 5.3.6)."),
				    grave and g.disqualifying or
				    concat(g.disqualifying, { "REGDOC 5.3.6" }))
				b:would_change("A mitigating condition of guideline " ..
				    letter .. " found for " .. ids .. " would allow a grant.",
				    concat(g.disqualifying, mitigating_ids(letter)))
			end
		end
	end

	for _, p in ipairs(guidelines.patterns) do
		if f.patterns[p.id] then
			found = true
			rec = worse(rec, "deny")
			b:reason("A current or recurring pattern of " ..
			    p.title:lower() .. " bars a clearance, whatever each " ..
			    "finding weighs alone (NZSIS assessment criteria).",
			    { p.id })
		end
	end

	-- What the file holds must be assessed in the worksheet.
	if #list(case.convictions) > 0 and f.guidelines.E == nil then
		rec = worse(rec, "refer")
		b:reason("Convictions are on file but the worksheet records no " ..
		    "finding under guideline E; assess them (E2, REGDOC 5.2.5).",
		    { "E2", "REGDOC 5.2.5" })
		found = true
	end
	local adverse = #list(case.adverse) > 0 or
	    rules.has_notice(case, "NOA_BRIEF")
	if adverse and not found then
		rec = worse(rec, "refer")
		b:reason("Adverse information is on file but the worksheet records " ..
		    "no finding; assess it before a recommendation (REGDOC 5.3.1).",
		    { "REGDOC 5.3.1" })
		found = true
	end

	if not found then
		b:reason("No disqualifying condition is found under guidelines " ..
		    "A to G.", { "NZSIS A-G" })
	end
	return rec
end

-- --- the REGDOC decision ------------------------------------------------------

-- Unreasonable risk (5.4.1, 5.4.4): conduct the adjudicator judges likely
-- to recur, or serious conduct that is still going on.
local function unreasonable_conduct(ws)
	local c = given(ws.conduct) or {}
	return given(c.recurrence) == "likely" or
	    (given(c.seriousness) == "high" and given(c.recency) == "current")
end

local GAP_CODES = { history_gap = true, employment_gap = true }

-- The refusal that bars a clearance (5.4.4, 5.5): an interview refused and
-- not followed by a completed one.
local function refused_interview(case)
	local refused, completed
	for _, iv in ipairs(list(case.interviews)) do
		local d = tostring(given(iv.date) or "")
		local outcome = given(iv.outcome)
		if outcome == "refused" and (refused == nil or d > refused) then
			refused = d
		elseif outcome == "completed" and (completed == nil or d > completed) then
			completed = d
		end
	end
	return refused ~= nil and (completed == nil or completed <= refused)
end

local function adjudicate(case, worksheet, ctx)
	local ok, why = adjudication.check(worksheet)
	if not ok then
		error("the adjudication worksheet cannot be used: " .. why, 0)
	end
	local ws = given(worksheet) or {}
	local b = adjudication.result()
	local holder = given(case.holder) == true

	local function deny()
		b:flag("regulator_report")
		b:reason("A denial or revocation is reported to the CNSC with the " ..
		    "risk, the sources of the information and the agency brief " ..
		    "(REGDOC 6.2).", { "REGDOC 6.2" })
		return b:finish("deny")
	end

	-- 1. Refusal to be interviewed: no clearance (5.4.4); a holder's is
	-- revoked (5.5). NZSIS B2 says the same of any refusal to cooperate.
	if refused_interview(case) then
		if holder then
			b:reason("The holder refused to be interviewed: the clearance " ..
			    "is to be revoked (REGDOC 5.5) and no clearance may be " ..
			    "granted (REGDOC 5.4.4).", { "REGDOC 5.5", "REGDOC 5.4.4", "B2" })
		else
			b:reason("The applicant refused to be interviewed: no clearance " ..
			    "may be granted (REGDOC 5.4.4).", { "REGDOC 5.4.4", "B2" })
		end
		b:would_change("A completed security interview after the refusal " ..
		    "would let the file be assessed.", { "REGDOC 5.4.4" })
		return deny()
	end

	-- 2. The agency's assessment is part of every decision (4.1, 4.3); a
	-- brief holds the file until the agency follows it up (5.2.6).
	if #rules.notices(case) == 0 then
		b:reason("No notice of assessment from the agency is on file; the " ..
		    "security assessment is part of the decision (REGDOC 4.1, 4.3, " ..
		    "5.2.6).", { "REGDOC 4.1", "REGDOC 4.3", "REGDOC 5.2.6" })
		return b:finish("refer")
	end
	if rules.brief_open(case) then
		b:reason("The agency issued a notice of assessment brief: the file " ..
		    "is held until its formal follow-up is recorded (REGDOC 5.2.6).",
		    { "REGDOC 5.2.6" })
		return b:finish("refer")
	end

	-- 3. The requirements (5.4.4, first ground). Only history gaps may be
	-- left open, and only once a security interview has failed to resolve
	-- them (6.1, first case).
	local missing, gaps = {}, false
	for _, r in ipairs(rules.requirements(case, ctx)) do
		if GAP_CODES[r.code] then
			gaps = true
		end
		if r.severity == "error" and not GAP_CODES[r.code] then
			missing[#missing + 1] = r.code
		end
	end
	if #missing > 0 then
		b:reason("The application does not meet the SASC requirements yet (" ..
		    table.concat(missing, ", ") .. "); complete the file before a " ..
		    "decision (REGDOC 4.4, 5.4.4).", { "REGDOC 4.4", "REGDOC 5.4.4" })
		return b:finish("refer")
	end

	-- 4. The security interview the file calls for comes first (5.3.2,
	-- 5.4.1), with two interviewers where the risk is elevated.
	local triggers = rules.interview_triggers(case, ctx)
	if triggers.needed then
		local codes = {}
		for _, r in ipairs(triggers.reasons) do
			codes[#codes + 1] = r.code
		end
		b:reason("A security interview" .. (triggers.two_interviewers and
		    " with two interviewers" or "") .. " is needed before a " ..
		    "decision (" .. table.concat(codes, ", ") .. ") (REGDOC 5.3.2, " ..
		    "4.4).", { "REGDOC 5.3.2", "REGDOC 4.4" })
		return b:finish("refer")
	end

	-- 5. Adverse information the licensee or the agency considers a
	-- security threat bars a clearance, whatever else the file says (5.4.4;
	-- for a holder, revocation 5.5).
	if #rules.adverse_of(case, "threat") > 0 then
		b:reason("Adverse information points to a security threat to the " ..
		    "facility: no clearance may be granted (REGDOC 5.4.4" ..
		    (holder and ", 5.5" or "") .. ").",
		    holder and { "REGDOC 5.4.4", "REGDOC 5.5" } or { "REGDOC 5.4.4" })
		return deny()
	end

	-- 6. The guideline findings (read from the worksheet only now: the
	-- steps above do not need them).
	local f = adjudication.findings(ws)
	local rec = weigh_guidelines(case, ws, f, ctx, b)

	-- 7. What the REGDOC adds to them.
	local insufficient = rules.has_notice(case, "NRT_INSUFFICIENT")
	local agency_adverse = rules.has_notice(case, "NOA_BRIEF")
	for _, a in ipairs(list(case.adverse)) do
		if given(a.source) == "agency" then
			agency_adverse = true
		end
	end
	local adverse = agency_adverse or #list(case.adverse) > 0

	if rec == "deny" or unreasonable_conduct(ws) then
		if unreasonable_conduct(ws) then
			b:reason("The conduct is likely to recur, or is serious and " ..
			    "ongoing: an unreasonable risk to the site (REGDOC 5.4.4).",
			    { "REGDOC 5.4.4" })
		else
			b:reason("The findings show an unreasonable risk to the site, " ..
			    "its operation and personnel (REGDOC 5.4.4).",
			    { "REGDOC 5.4.4" })
		end
		if insufficient or gaps or adverse then
			b:reason("Restrictions are not an option: they are for risk the " ..
			    "licensee can manage, not for adverse information showing " ..
			    "an unreasonable risk (REGDOC 5.4.1).", { "REGDOC 5.4.1" })
		end
		return deny()
	end
	if rec == "refer" then
		return b:finish("refer")
	end

	-- 8. A grant. Where the risk is real but manageable, restrictions with
	-- a documented review (5.4.1, 5.4.2).
	local restricted = false
	if insufficient then
		restricted = true
		b:reason("The agency could not assess the applicant for lack of " ..
		    "information; the risk is manageable, so the clearance is " ..
		    "restricted while it is brought up to date (REGDOC 5.2.6, " ..
		    "5.4.1).", { "REGDOC 5.2.6", "REGDOC 5.4.1" })
		b:restrict("no_prescribed_information", "No access to prescribed " ..
		    "information or nuclear material accounting until the agency " ..
		    "can assess the holder (REGDOC 5.4.2).", 12)
		b:would_change("A notice of no reportable traces would allow a " ..
		    "clearance without restrictions.", { "REGDOC 5.2.6", "REGDOC 5.4.1" })
	end
	if agency_adverse then
		restricted = true
		b:reason("The agency identified adverse information; after the " ..
		    "interview the risk is judged manageable, but only a clearance " ..
		    "without agency adverse information may be unrestricted " ..
		    "(REGDOC 5.4.1).", { "REGDOC 5.4.1" })
		b:restrict("areas", "No unescorted access to vital or inner areas " ..
		    "or to nuclear material (REGDOC 5.4.2).", 6)
		b:restrict("no_prescribed_information", "No access to prescribed " ..
		    "information or prescribed equipment (REGDOC 5.4.2).", 6)
	end
	if gaps then
		restricted = true
		b:reason("Gaps in the history remain unresolved after the security " ..
		    "interview; the licensee may still grant, with restrictions " ..
		    "(REGDOC 6.1, 5.4.1, 4.4).", { "REGDOC 6.1", "REGDOC 5.4.1", "REGDOC 4.4" })
		b:restrict("no_prescribed_information", "No access to prescribed " ..
		    "information until the history is traced (REGDOC 5.4.2).", 12)
		b:would_change("Accounting for the gaps in the history would remove " ..
		    "the restriction.", { "REGDOC 4.3", "REGDOC 4.4" })
	end
	if restricted then
		rec = "grant_with_restrictions"
	end

	-- 9. A grant despite the circumstances of 6.1 is reported to the CNSC.
	if insufficient or gaps or adverse then
		local despite = {}
		if gaps then
			despite[#despite + 1] = "gaps unresolved after the interview"
		end
		if insufficient then
			despite[#despite + 1] = "an insufficient-information notice"
		end
		if adverse then
			despite[#despite + 1] = "adverse information"
		end
		b:flag("regulator_report")
		b:reason("Granted despite " .. table.concat(despite, ", ") ..
		    ": inform the CNSC and justify the decision (REGDOC 6.1).",
		    { "REGDOC 6.1" })
	elseif rec == "grant" then
		b:reason("The SASC requirements are met and no adverse information " ..
		    "stands in the way (REGDOC 6.1, 5.4.1).", { "REGDOC 6.1", "REGDOC 5.4.1" })
	end
	return b:finish(rec)
end

-- --- incident triage ---------------------------------------------------------

-- A breach must be reported at once and a suspicious contact as soon as it
-- happens (reference 000, the CSP reporting page). At a nuclear site unusual
-- behaviour of someone with unescorted access to the protected area is a
-- concern of its own (REGDOC 6.1: a change that may put operations,
-- personnel or safety at risk is investigated), so it is handled within
-- its own, longer, delay.
local INCIDENT_NOTICE = {
	security_breach = "A security breach was reported: report it to the " ..
	    "authority at once, investigate its cause, then take corrective " ..
	    "measures (CSP reporting page, breach steps).",
	security_contact = "A security contact was reported: report it as soon " ..
	    "as possible so it can be assessed (CSP reporting page).",
	security_incident = "A security incident was reported: make the " ..
	    "preliminary inquiry, keep its written record and report it (CSP " ..
	    "reporting page).",
	change_of_circumstances = "A change of circumstances was reported: " ..
	    "investigate it and forward it to the CNSC as required (REGDOC 6.1).",
	change_of_behaviour = "A change of behaviour was reported: assess it " ..
	    "now; access to prescribed information and assets may be withheld " ..
	    "until it is resolved (REGDOC 6.1).",
}

local function triage(data, ctx)
	local actions = {}
	local itype = given(data.incident_type)
	local hours
	if itype == "security_breach" or itype == "security_contact" then
		hours = setting(ctx, "incident_urgent_hours", 24)
	elseif itype == "change_of_behaviour" then
		hours = setting(ctx, "incident_behaviour_urgent_hours", 48)
	end
	if hours ~= nil then
		actions[#actions + 1] = { action = "urgent", hours = hours }
	end
	actions[#actions + 1] = { action = "notify", role = "cso", kind = "incident",
	    message = INCIDENT_NOTICE[itype] or "An incident report was filed: " ..
	    "make the preliminary inquiry (CSP reporting page)." }
	-- A SASC holder's change of circumstances that may pose a risk is
	-- investigated (REGDOC 6.1): the circumstances listed in the settings
	-- open a review for cause. A serious charge also calls for alternative
	-- work until the court decides (REGDOC 5.4.3).
	local circumstance = given(data.circumstance)
	if itype == "change_of_circumstances" and given(data.holder) == true and
	    circumstance ~= nil and member(list(setting(ctx,
	    "incident_review_circumstances", { "conviction", "charge" })),
	    circumstance) then
		actions[#actions + 1] = { action = "open_review", reason = "The SASC " ..
		    "holder reported a change of circumstances (" .. circumstance ..
		    ") that may pose a risk to the site: the clearance is reviewed " ..
		    "for cause and the report forwarded to the CNSC as required " ..
		    "(REGDOC 6.1)" .. ((circumstance == "charge" or
		    circumstance == "conviction") and "; assign alternative work " ..
		    "until the matter is settled (REGDOC 5.4.3)." or "."),
		    -- vetd puts an active or restricted holder on alternative
		    -- work with the review (REGDOC 5.4.3)
		    status = (circumstance == "charge" or
		    circumstance == "conviction") and "alternative_work" or nil }
	end
	return actions
end

-- --- workflow events ---------------------------------------------------------

local function on_event(event, case, ctx)
	local actions = {}
	local function act(a)
		actions[#actions + 1] = a
	end
	event = given(event) or {}
	local kind = given(event.type)
	local data = given(event.data) or {}

	if kind == "incident_reported" then
		return triage(data, ctx)
	end

	if kind == "notice_recorded" then
		-- The notice this event records (or, failing that, the latest).
		local ntype = given(data.type)
		if ntype == nil then
			local l = rules.notices(case)
			ntype = l[#l] and l[#l].type
		end
		local follow_up = given(data.follow_up) == true
		if ntype == "NOA_BRIEF" and not follow_up then
			act({ action = "hold", reason = "Notice of assessment brief: the " ..
			    "file is held until the agency's formal follow-up is " ..
			    "recorded (REGDOC 5.2.6)." })
			act({ action = "notify", role = "cso", message = "An agency brief " ..
			    "was received; the file is on hold until the agency's letter, " ..
			    "of which the CNSC receives a copy (REGDOC 5.2.6)." })
			return actions
		end
		if follow_up or rules.has_notice(case, "NOA_BRIEF") then
			act({ action = "release_hold" })
			act({ action = "assign", role = "interviewer" })
			act({ action = "notify", role = "cso", message = "The agency " ..
			    "followed up its brief: the hold is lifted and a security " ..
			    "interview with two interviewers is due (REGDOC 5.2.6, 5.3.2)." })
		elseif ntype == "NRT" then
			act({ action = "notify", role = "cso", message = "No reportable " ..
			    "traces: the application continues; the clearance would run " ..
			    "five years from this notice (REGDOC 5.2.6)." })
		elseif ntype == "NRT_INSUFFICIENT" then
			act({ action = "assign", role = "interviewer" })
			act({ action = "notify", role = "cso", message = "Insufficient " ..
			    "information from the agency: the application continues and " ..
			    "a security interview is due (REGDOC 5.2.6, 5.3.2)." })
		end
		if ntype == "NRT_INSUFFICIENT" then
			act({ action = "flag", flag = "regulator_report", reason =
			    "Insufficient information from the agency: a grant is " ..
			    "reported to the CNSC with its justification (REGDOC 6.1)." })
		end
		return actions
	end

	if kind == "interview_recorded" then
		local outcome = given(data.outcome)
		if outcome == nil then
			local l = list(case.interviews)
			outcome = l[#l] and given(l[#l].outcome)
		end
		if outcome == "refused" then
			act({ action = "notify", role = "cso", message =
			    given(case.holder) == true and "The holder refused to be " ..
			    "interviewed: the clearance is to be revoked (REGDOC 5.5)." or
			    "The applicant refused to be interviewed: no clearance may " ..
			    "be granted (REGDOC 5.4.4)." })
			act({ action = "assign", role = "adjudicator" })
		elseif outcome == "inconclusive" then
			act({ action = "assign", role = "interviewer" })
			act({ action = "notify", role = "cso", message = "The security " ..
			    "interview was inconclusive; another is needed before a " ..
			    "decision (REGDOC 5.3.2)." })
		elseif outcome == "completed" then
			act({ action = "assign", role = "adjudicator" })
		end
		return actions
	end

	if kind == "decided" then
		local decision = given(data.decision) or given(data.outcome)
		if decision == "deny" or decision == "revoke" then
			act({ action = "flag", flag = "regulator_report", reason =
			    "Denied or revoked: the CNSC is told why, with the risk, the " ..
			    "sources and the agency brief (REGDOC 6.2)." })
			act({ action = "notify", role = "cso", message = "Report the " ..
			    "denial or revocation to the CNSC (REGDOC 6.2); the person " ..
			    "may appeal (REGDOC 11.0)." })
		elseif type(decision) == "string" and decision:sub(1, 5) == "grant" then
			act({ action = "notify", role = "applicant", message = "The " ..
			    "clearance is granted: attend the security briefing and " ..
			    "acknowledge it in writing (REGDOC 5.6)." })
		end
		return actions
	end

	if kind == "submitted" then
		act({ action = "notify", role = "cso", message = "A new application " ..
		    "was submitted for screening (REGDOC 4.3)." })
	elseif kind == "concerns_sent" or kind == "send_concerns" or
	    given(data.to) == "fairness" or given(data.transition) == "send_concerns" then
		act({ action = "set_deadline", what = "response",
		    days = setting(ctx, "response_days", 20) })
	elseif kind == "restriction_review_due" then
		act({ action = "assign", role = "adjudicator" })
		act({ action = "notify", role = "cso", message = "A restriction is due " ..
		    "for its documented review (REGDOC 5.4.2)." })
	elseif kind == "renewal_due" then
		act({ action = "open_renewal" })
		act({ action = "notify", role = "cso", message = "A clearance nears " ..
		    "expiry: the renewal is opened early enough to finish every " ..
		    "check before it expires (REGDOC 7.0)." })
	end
	return actions
end

return {
	requirements = rules.requirements,
	interview_triggers = rules.interview_triggers,
	adjudicate = adjudicate,
	on_event = on_event,
}
