-- policy: the default rules every organization starts from. Completeness and
-- interview triggers follow REGDOC-2.12.2 (they live in rules.lua, which the
-- workflow guards share). The recommendation follows the NZSIS security
-- assessment criteria and adjudicative guidelines A-G: a whole-person view in
-- which a disqualifying condition counts against the candidate unless a
-- mitigating condition of the same guideline applies to it, a current or
-- recurring pattern bars a grant, refusing to cooperate normally means a
-- denial (B2), and any doubt is settled on the side of the national interest.
-- Recent conduct that is mitigated is granted with a warning that a similar
-- incident may lead to an adverse recommendation. Two things never count
-- against anyone: sexual orientation or preference (B4; the case holds no
-- such field and this file reads none) and having sought mental health
-- counselling (G6). An organization may override any one function below in
-- its own policy.lua.

local adjudication = require("adjudication")
local dates = require("dates")
local guidelines = require("guidelines")
local rules = require("rules")

-- A JSON null from vetd counts as an empty field.
local function v(x)
	if x == null then
		return nil
	end
	return x
end

local function list(x)
	x = v(x)
	if type(x) == "table" then
		return x
	end
	return {}
end

local function setting(ctx, key, default)
	local s = ctx and v(ctx.settings)
	local value = s and v(s[key])
	if value == nil then
		return default
	end
	return value
end

-- Conditions so grave that, without an applicable mitigating condition,
-- the answer is a denial whatever else the file says: A6, A7 and A14
-- (espionage, terrorism and the like, association with those who commit
-- them, hidden contact with a foreign intelligence service), and conditions
-- that by their nature are current or have already done harm: A19 (acting
-- for a foreign party against the national interest), A20 (allegiance to
-- another country), D16 (intends to go on using drugs), F9 and F15
-- (breaches that damaged national security).
local GRAVE = { A6 = true, A7 = true, A14 = true, A19 = true, A20 = true,
    D16 = true, F9 = true, F15 = true }

-- Of those, the ones for which even a mitigated finding goes to the
-- authority when the conduct is recent.
local SEVERE = { A6 = true, A7 = true, A14 = true }

-- Mitigating conditions that take the conduct out of consideration
-- altogether rather than excuse it: the person did not do it or the
-- conviction fell (E10), it is too minor or regulatory to matter (E12), the
-- information is unsubstantiated (B21), the failure came from bad advice and
-- was put right (B17), the debt is genuinely disputed (C18), the money is
-- lawful (C19), the involvement was lawful or humanitarian only (A24), the
-- foreign activity was official, approved or encouraged (A30, A36, A38),
-- dual citizenship is of no concern (A33), or a genuine emergency left no
-- alternative (F19). With one of these no warning is needed, however recent.
local CLEARS = { E10 = true, E12 = true, B21 = true, B17 = true, C18 = true,
    C19 = true, A24 = true, A30 = true, A33 = true, A36 = true, A38 = true,
    F19 = true }

-- Which mitigating conditions can answer which disqualifying condition.
-- The reference lets a mitigating condition bear on several concerns of its
-- guideline; where the text ties mitigation to particular conduct (for
-- instance A24 speaks of the organisations of A8, A33-A38 of foreign
-- citizenship) the mapping below says so. A condition not listed here can
-- be answered by any mitigating condition of its own guideline.
local APPLIES = {
	A6 = { "A23", "A25", "A26" },
	A7 = { "A23", "A25", "A26" },
	A8 = { "A23", "A24", "A25", "A26" },
	A9 = { "A26", "A27", "A28", "A29", "A30", "A31" },
	A10 = { "A27", "A28", "A29", "A30" },
	A11 = { "A26", "A27", "A28" },
	A12 = { "A28", "A32" },
	A13 = { "A26", "A29", "A31" },
	A14 = { "A26", "A30", "A31" },
	A15 = { "A27", "A28", "A31" },
	A16 = { "A26", "A30", "A31" },
	A17 = { "A33", "A34", "A35", "A36", "A37", "A38" },
	A18 = { "A33", "A34", "A35" },
	A19 = { "A26", "A30" },
	A20 = { "A26", "A34" },
	A21 = { "A26", "A28", "A30" },
	A22 = { "A23", "A24", "A25", "A26" },
	B2 = { "B17" },
	B5 = { "B16", "B17", "B18", "B21" },
}

local function applicable(id)
	if APPLIES[id] then
		return APPLIES[id]
	end
	local out = {}
	for _, item in ipairs(guidelines.of(id:sub(1, 1))) do
		if item.kind == "mitigating" then
			out[#out + 1] = item.id
		end
	end
	return out
end

local function either(ids)
	if #ids == 1 then
		return ids[1]
	end
	local out = {}
	for i = 1, #ids - 1 do
		out[i] = ids[i]
	end
	return table.concat(out, ", ") .. " or " .. ids[#ids]
end

local function with(id, more)
	local out = { id }
	for _, x in ipairs(more) do
		out[#out + 1] = x
	end
	return out
end

-- "E2 (an offence ...)": the condition and its title, for explanations.
local function named(id)
	local t = guidelines.items[id].title
	return id .. " (" .. t:sub(1, 1):lower() .. t:sub(2) .. ")"
end

-- Outcomes from most to least favourable.
local RANK = { grant = 1, grant_with_warning = 2, refer = 3, deny = 4 }

local function worse(a, b)
	if RANK[b] > RANK[a] then
		return b
	end
	return a
end

local function copy(t)
	local c = {}
	for k, x in pairs(t) do
		c[k] = x
	end
	return c
end

-- The facts a recommendation rests on: the worksheet's findings and the
-- few things in the case file that bear on them.
local function facts_of(case, worksheet)
	local f = adjudication.findings(worksheet)
	local refused = f.disqualifying.B2 ~= nil
	for _, i in ipairs(list(case.interviews)) do
		refused = refused or v(i.outcome) == "refused"
	end
	local noa = false
	for _, n in ipairs(list(case.notices)) do
		noa = noa or v(n.type) == "NOA_BRIEF"
	end
	return {
		disqualifying = f.disqualifying,  -- id -> { date, facts }
		mitigating = f.mitigating,        -- id -> true
		patterns = f.patterns,            -- id -> true
		holder_factors = f.holder,        -- id -> true
		protected = f.protected,          -- G6 -> { date, facts }
		conduct = list(v(worksheet) and worksheet.conduct),
		refused = refused,                -- B2, from the worksheet or an interview
		holder = v(case.holder) == true,
		convictions_on_file = #list(case.convictions) > 0,
		guideline_E_assessed = f.guidelines.E ~= nil,
		adverse_on_file = noa or #list(case.adverse) > 0,
		several_areas_rule = true,
	}
end

-- A builder that records nothing: for weighing "what if" alternatives.
local QUIET = {}
function QUIET.reason(self)
	return self
end

-- evaluate(F, ctx, b) -> the recommendation the facts F lead to, with the
-- reasons written to the builder b.
local function evaluate(F, ctx, b)
	local today = ctx.today
	local conduct = F.conduct
	local recent_years = setting(ctx, "recent_years", 5)

	-- Two verdicts are kept apart: `fixed` for the rules that nothing about
	-- the person's standing can soften (B2, grave conditions, patterns,
	-- information not yet assessed), and `weighed` for everything else,
	-- which a continuing holder's record may soften.
	local fixed, weighed = "grant", "grant"
	local areas, area_list = {}, {}
	local any_mitigated, any_finding = false, false

	local function is_recent(date)
		if date then
			return adjudication.recent(date, today, recent_years)
		end
		local r = v(conduct.recency)
		return r == "recent" or r == "current"
	end

	-- Refusal to cooperate with vetting (NZSIS B2; REGDOC 5.4.4, 5.5).
	if F.refused then
		any_finding = true
		if F.mitigating.B17 then
			any_mitigated = true
			b:reason("The applicant did not cooperate at first, but this came from "
			    .. "poor official or legal advice and they cooperated fully once "
			    .. "told (B2 answered by B17); it is not held against them.",
			    { "B2", "B17" })
		else
			fixed = worse(fixed, "deny")
			b:reason("The applicant refused or failed to cooperate with the vetting "
			    .. "process (an interview, a form or a truthful answer); this "
			    .. "normally leads to an adverse recommendation (B2).", { "B2" })
		end
	end

	-- Each disqualifying condition found, in the order of the guidelines.
	for _, id in ipairs(guidelines.order) do
		local found = F.disqualifying[id]
		if found and id ~= "B2" then
			any_finding = true
			local have, clears = {}, nil
			for _, m in ipairs(applicable(id)) do
				if F.mitigating[m] then
					have[#have + 1] = m
					clears = clears or (CLEARS[m] and m)
				end
			end
			local date = found.date
			local cites = with(id, have)
			local answered = #have > 0 and (" is answered by "
			    .. table.concat(have, ", ")) or ""

			if #have == 0 and (id == "B6" or id == "B7") then
				-- Lesser concerns that add up, or concerns outside the other
				-- guidelines: the authority weighs the whole person (B6, B7).
				weighed = worse(weighed, "refer")
				b:reason(named(id) .. ": adverse information, not enough by "
				    .. "itself, adds up to doubt about the whole person; the "
				    .. "authority must weigh it.", { id })
			elseif #have == 0 then
				local serious = v(conduct.seriousness) == "high"
				    or v(conduct.recurrence) == "likely"
				    or v(conduct.recency) == "current"
				local why
				if GRAVE[id] then
					fixed = worse(fixed, "deny")
					why = "this condition is grave in itself"
				elseif serious then
					weighed = worse(weighed, "deny")
					why = "the conduct is serious, current or likely to recur"
				else
					weighed = worse(weighed, "refer")
					why = "doubt is settled on the side of the national interest"
				end
				b:reason(named(id) .. " was found"
				    .. (date and (" (" .. date .. ")") or "")
				    .. " and no mitigating condition applies to it; " .. why
				    .. ", so it cannot be a grant.", { id })
			else
				any_mitigated = true
				if id ~= "B6" and id ~= "B7" and not areas[id:sub(1, 1)] then
					areas[id:sub(1, 1)] = true
					area_list[#area_list + 1] = id:sub(1, 1)
				end
				if clears then
					b:reason(named(id) .. answered .. "; under " .. clears
					    .. " it is not held against the candidate.", cites)
				elseif v(conduct.recurrence) == "likely" then
					weighed = worse(weighed, "refer")
					b:reason(named(id) .. answered .. ", but the conduct is judged "
					    .. "likely to recur, which those conditions rule out; the "
					    .. "doubt goes to the authority.", cites)
				elseif SEVERE[id] and is_recent(date) then
					fixed = worse(fixed, "refer")
					b:reason(named(id) .. answered .. ", but the conduct is recent "
					    .. "and of the gravest kind; the authority decides.", cites)
				elseif SEVERE[id] then
					weighed = worse(weighed, "grant_with_warning")
					b:reason(named(id) .. answered .. " and is not recent; being of "
					    .. "the gravest kind, it is granted only with a warning.",
					    cites)
				elseif is_recent(date) then
					weighed = worse(weighed, "grant_with_warning")
					b:reason(named(id) .. answered .. "; the conduct is recent ("
					    .. (date or "by the conduct factors") .. "), which calls "
					    .. "for a warning.", cites)
				else
					b:reason(named(id) .. answered .. ".", cites)
				end
			end
		end
	end

	-- Several areas of concern, each answered on its own, may still add up
	-- to doubt about the whole person (NZSIS B6).
	local several = setting(ctx, "several_areas", 3)
	if F.several_areas_rule and #area_list >= several then
		weighed = worse(weighed, "refer")
		local cites = { "B6" }
		for _, id in ipairs(guidelines.order) do
			if F.disqualifying[id] and areas[id:sub(1, 1)] then
				cites[#cites + 1] = id
			end
		end
		b:reason("Concerns were found under " .. #area_list .. " guidelines ("
		    .. table.concat(area_list, ", ") .. "); each is answered, but together "
		    .. "they call for a whole-person judgment by the authority (B6).", cites)
	end

	-- A current or recurring pattern bars a grant (NZSIS criteria).
	local names, pcites = {}, {}
	for _, p in ipairs(guidelines.patterns) do
		if F.patterns[p.id] then
			names[#names + 1] = p.title:lower()
			pcites[#pcites + 1] = p.id
		end
	end
	if #names > 0 then
		for _, id in ipairs(guidelines.order) do
			if F.disqualifying[id] then
				pcites[#pcites + 1] = id
			end
		end
		fixed = worse(fixed, any_mitigated and "refer" or "deny")
		b:reason("The file shows a current or recurring pattern of "
		    .. table.concat(names, ", ") .. "; no grant can be recommended "
		    .. "while it lasts"
		    .. (any_mitigated and " (mitigation exists, so the authority decides)" or "")
		    .. ".", pcites)
	end

	-- Having sought counselling never counts against anyone (NZSIS G6).
	if F.protected.G6 then
		b:reason("The candidate sought mental health counselling; no negative "
		    .. "inference is drawn from that (G6).", { "G6" })
	end

	-- Information on file that the worksheet does not address: doubt is
	-- settled on the side of the national interest.
	if F.convictions_on_file and not F.guideline_E_assessed then
		any_finding = true
		fixed = worse(fixed, "refer")
		b:reason("Convictions are on file but the worksheet records nothing "
		    .. "under guideline E; they must be assessed (E2).", { "E2" })
	end
	if F.adverse_on_file and not next(F.disqualifying) and not F.refused then
		any_finding = true
		fixed = worse(fixed, "refer")
		b:reason("Adverse information is on file but the worksheet records no "
		    .. "finding; it must be assessed before a recommendation (REGDOC "
		    .. "5.3.1, 5.2.6).", { "REGDOC 5.3.1" })
	end

	-- A continuing holder: the holder factors weigh toward continuation.
	local factors = {}
	for _, h in ipairs(guidelines.holder_factors) do
		if F.holder_factors[h.id] then
			factors[#factors + 1] = h.id
		end
	end
	local needed = setting(ctx, "holder_factors_needed", 3)
	local listed = table.concat(factors, ", ")
	if #factors > 0 and not F.holder then
		b:reason("Holder factors were recorded but the candidate holds no "
		    .. "clearance now; they are not weighed.", factors)
	elseif #factors > 0 and RANK[fixed] >= RANK.refer then
		b:reason("The candidate already holds a clearance, but the holder factors ("
		    .. listed .. ") cannot outweigh a refusal to cooperate, a grave "
		    .. "condition, a pattern or unassessed information.", factors)
	elseif #factors > 0 and RANK[weighed] >= RANK.refer then
		local before = weighed
		if weighed == "deny" then
			weighed = "refer"
		elseif #factors >= needed then
			weighed = "grant_with_warning"
		end
		if weighed ~= before then
			b:reason("The candidate already holds a clearance, and holder "
			    .. "factors weigh toward continuing it (" .. #factors .. " of 5: "
			    .. listed .. "): " .. before .. " becomes " .. weighed .. ".",
			    factors)
		else
			b:reason("The candidate already holds a clearance; " .. #factors
			    .. " holder factor(s) (" .. listed .. ") are not enough to "
			    .. "continue it without the authority.", factors)
		end
	elseif #factors > 0 then
		b:reason("The candidate already holds a clearance and the holder factors ("
		    .. listed .. ") support continuing it.", factors)
	end

	local outcome = worse(fixed, weighed)
	if outcome == "grant_with_warning" then
		b:reason("Granted with a warning: a future incident of a similar nature "
		    .. "may lead to an adverse recommendation.", {})
	elseif outcome == "grant" and not any_finding then
		b:reason("No disqualifying condition or pattern was found; nothing in the "
		    .. "file weighs against the candidate.", {})
	elseif outcome == "grant" then
		b:reason("Every condition found is answered by a mitigating condition, "
		    .. "and none of the conduct is recent.", {})
	end
	return outcome
end

-- The facts that, if they were otherwise, might change the recommendation:
-- a list of { text, cites, facts = the changed facts }.
local function alternatives(F, ctx)
	local out = {}
	local function alt(text, cites, change)
		local G = copy(F)
		change(G)
		out[#out + 1] = { text = text, cites = cites, facts = G }
	end
	local recent_years = setting(ctx, "recent_years", 5)
	local long_ago = dates.add_years(ctx.today, -(recent_years + 1))

	if F.refused and not F.mitigating.B17 then
		alt("mitigating B17 found for B2 (the failure came from poor advice and "
		    .. "the applicant has since cooperated fully)", { "B2", "B17" },
		    function(G)
			G.mitigating = copy(F.mitigating)
			G.mitigating.B17 = true
		end)
	end
	for _, id in ipairs(guidelines.order) do
		local found = F.disqualifying[id]
		if found and id ~= "B2" then
			local can, have = applicable(id), false
			for _, m in ipairs(can) do
				have = have or F.mitigating[m] == true
			end
			if not have then
				alt("mitigating " .. either(can) .. " found for " .. id,
				    with(id, can), function(G)
					G.mitigating = copy(F.mitigating)
					G.mitigating[can[1]] = true
				end)
			end
			alt(id .. " conduct more than " .. recent_years .. " years old", { id },
			    function(G)
				G.disqualifying = copy(F.disqualifying)
				G.disqualifying[id] = { date = long_ago, facts = found.facts }
				G.conduct = copy(F.conduct)
				G.conduct.recency = "old"
			end)
		end
	end
	for _, p in ipairs(guidelines.patterns) do
		if F.patterns[p.id] then
			alt("pattern '" .. p.id .. "' cleared", { p.id }, function(G)
				G.patterns = copy(F.patterns)
				G.patterns[p.id] = nil
			end)
		end
	end
	if v(F.conduct.recurrence) == "likely" then
		alt("recurrence of the conduct judged unlikely", {}, function(G)
			G.conduct = copy(F.conduct)
			G.conduct.recurrence = "unlikely"
		end)
	end
	if v(F.conduct.seriousness) == "high" then
		alt("the conduct judged of moderate seriousness", {}, function(G)
			G.conduct = copy(F.conduct)
			G.conduct.seriousness = "moderate"
		end)
	end
	local several = setting(ctx, "several_areas", 3)
	alt("concerns in fewer than " .. several .. " guidelines", { "B6" }, function(G)
		G.several_areas_rule = false
	end)
	if F.holder then
		local needed = setting(ctx, "holder_factors_needed", 3)
		alt(needed .. " or more holder factors established", {}, function(G)
			G.holder_factors = copy(F.holder_factors)
			local n = 0
			for _ in pairs(G.holder_factors) do
				n = n + 1
			end
			for _, h in ipairs(guidelines.holder_factors) do
				if n < needed and not G.holder_factors[h.id] then
					G.holder_factors[h.id] = true
					n = n + 1
				end
			end
		end)
	end
	if F.convictions_on_file and not F.guideline_E_assessed then
		alt("the convictions on file assessed under guideline E", { "E2" },
		    function(G)
			G.guideline_E_assessed = true
		end)
	end
	if F.adverse_on_file then
		alt("the adverse information on file assessed in the worksheet",
		    { "REGDOC 5.3.1" }, function(G)
			G.adverse_on_file = false
		end)
	end
	return out
end

local function adjudicate(case, worksheet, ctx)
	local ok, why = adjudication.check(worksheet)
	if not ok then
		error("the adjudication worksheet cannot be used: " .. why, 0)
	end
	local F = facts_of(case, v(worksheet) or {})
	local b = adjudication.result()
	local outcome = evaluate(F, ctx, b)
	-- would_change: only the alternatives that really change the outcome.
	for _, a in ipairs(alternatives(F, ctx)) do
		if evaluate(a.facts, ctx, QUIET) ~= outcome then
			b:would_change(a.text, a.cites)
		end
	end
	return b:finish(outcome)
end

-- on_event(event, case, ctx) -> actions for vetd to carry out.
local function on_event(event, case, ctx)
	local actions = {}
	local data = list(event.data)
	local etype = v(event.type)

	if etype == "notice_recorded" then
		local ntype = v(data.type)
		if ntype == "NOA_BRIEF" then
			-- The file is held until the agency's detailed letter arrives
			-- (REGDOC 5.2.6).
			actions[#actions + 1] = { action = "hold", reason = "Notice of "
			    .. "assessment - brief received; the file is held until the "
			    .. "agency's detailed information arrives (REGDOC 5.2.6)." }
			actions[#actions + 1] = { action = "notify", role = "cso", message =
			    "A NOA - brief was recorded; the file is on hold (REGDOC 5.2.6)." }
		else
			local held = v(case.state) == "on_hold" or v(data.follow_up) == true
			for _, n in ipairs(list(case.notices)) do
				held = held or v(n.type) == "NOA_BRIEF"
			end
			if held then
				actions[#actions + 1] = { action = "release_hold" }
				actions[#actions + 1] = { action = "notify", role = "cso", message =
				    "A follow-up notice was recorded; the hold is released." }
			elseif ntype == "NRT_INSUFFICIENT" then
				actions[#actions + 1] = { action = "notify", role = "cso", message =
				    "The agency had insufficient information; decide on a "
				    .. "security interview (REGDOC 5.2.6, 5.3.2)." }
			end
		end
	elseif etype == "submitted" then
		actions[#actions + 1] = { action = "notify", role = "cso",
		    message = "A new application was submitted for screening." }
	elseif etype == "concerns_sent" or etype == "send_concerns"
	    or v(data.to) == "fairness" or v(data.transition) == "send_concerns" then
		-- Procedural fairness: the applicant answers the concerns in time.
		actions[#actions + 1] = { action = "set_deadline", what = "response",
		    days = setting(ctx, "response_days", 20) }
	elseif etype == "interview_recorded" and v(data.outcome) == "refused" then
		actions[#actions + 1] = { action = "notify", role = "cso", message =
		    "The applicant refused the security interview; this normally "
		    .. "leads to denial (NZSIS B2, REGDOC 5.4.4)." }
	elseif etype == "restriction_review_due" then
		actions[#actions + 1] = { action = "notify", role = "cso",
		    message = "A restriction is due for review (REGDOC 5.4.2)." }
	elseif etype == "renewal_due" then
		actions[#actions + 1] = { action = "open_renewal" }
	end
	return actions
end

return {
	requirements = rules.requirements,
	interview_triggers = rules.interview_triggers,
	adjudicate = adjudicate,
	on_event = on_event,
}
