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
-- counselling (G6). Incident reports are triaged in on_event following the
-- CSP reporting page (reference 000) and REGDOC 6.1. An organization may
-- override any one function below in its own policy.lua.

local adjudication = require("adjudication")
local dates = require("dates")
local guidelines = require("guidelines")
local rules = require("rules")

-- Library functions used on every call, kept in locals: reading them
-- through the sandbox's read-only tables each time is slower.
local ipairs, pairs, next, type = ipairs, pairs, next, type
local null = null
local concat, sort = table.concat, table.sort

-- A JSON null from vetd counts as an empty field.
local function v(x)
	if x == null then
		return nil
	end
	return x
end

-- A list field of the case, or an empty list (shared: never written to)
-- when the field is absent or null.
local NONE = {}
local function list(x)
	if x ~= nil and type(x) == "table" then
		return x
	end
	return NONE
end

local function setting(ctx, key, default)
	local s = ctx and ctx.settings
	if s == null then
		s = nil
	end
	local value = s and s[key]
	if value == nil or value == null then
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

-- The catalog, read once when the policy is loaded. What require() returns
-- is read-only and slow to walk, and adjudicate() weighs the findings once
-- for the answer and again for every "what if", so it works from these
-- plain tables instead:
local POSITION = {}     -- condition ID -> its place in the guidelines (A1 first)
local NAMED = {}        -- condition ID -> "E2 (an offence ...)", for explanations
local GUIDELINE = {}    -- condition ID -> its guideline letter
local MITIGATING = {}   -- guideline letter -> its mitigating conditions, in order
for i, id in ipairs(guidelines.order) do
	local item = guidelines.items[id]
	local t = item.title
	POSITION[id] = i
	NAMED[id] = id .. " (" .. t:sub(1, 1):lower() .. t:sub(2) .. ")"
	GUIDELINE[id] = item.guideline
	if item.kind == "mitigating" then
		local l = MITIGATING[item.guideline] or {}
		l[#l + 1] = id
		MITIGATING[item.guideline] = l
	end
end

-- The mitigating conditions that can answer each disqualifying condition
-- (and B2): the ones APPLIES names, or else every mitigating condition of
-- its guideline.
local ANSWERS = {}
for id, item in pairs(guidelines.items) do
	if item.kind == "disqualifying" or id == "B2" then
		ANSWERS[id] = APPLIES[id] or MITIGATING[item.guideline] or {}
	end
end

-- The patterns (ID, and title for explanations) and the holder factors, in
-- the catalog's order.
local PATTERNS = {}
for i, p in ipairs(guidelines.patterns) do
	PATTERNS[i] = { id = p.id, name = p.title:lower() }
end
local HOLDER_FACTORS = {}
for i, h in ipairs(guidelines.holder_factors) do
	HOLDER_FACTORS[i] = h.id
end

local function either(ids)
	if #ids == 1 then
		return ids[1]
	end
	local out = {}
	for i = 1, #ids - 1 do
		out[i] = ids[i]
	end
	return concat(out, ", ") .. " or " .. ids[#ids]
end

local function with(id, more)
	local out = { id }
	for _, x in ipairs(more) do
		out[#out + 1] = x
	end
	return out
end

-- Cites that reasons give over and over: the builder copies the cites it
-- is given, so one table of each serves every call.
local B2, B2_B17, E2, G6 = { "B2" }, { "B2", "B17" }, { "E2" }, { "G6" }
local REGDOC_5_3_1 = { "REGDOC 5.3.1" }

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

-- Is x in the (short) list l?
local function has(l, x)
	for i = 1, #l do
		if l[i] == x then
			return true
		end
	end
	return false
end

local function by_position(a, b)
	return POSITION[a] < POSITION[b]
end

-- facts_of(case, worksheet, f) -> F, the facts a recommendation rests on:
-- the worksheet's findings f (the table adjudication.findings made for this
-- call, with its sets disqualifying, mitigating, patterns, holder and
-- protected) with the facts below added to it, from the worksheet and the
-- few things in the case file that bear on the findings.
local function facts_of(case, worksheet, f)
	local refused = f.disqualifying.B2 ~= nil
	for _, i in ipairs(list(case.interviews)) do
		refused = refused or i.outcome == "refused"
	end
	local noa = false
	for _, n in ipairs(list(case.notices)) do
		noa = noa or n.type == "NOA_BRIEF"
	end
	-- The disqualifying conditions found, in the order of the guidelines.
	local found = {}
	for id in pairs(f.disqualifying) do
		found[#found + 1] = id
	end
	if #found > 1 then
		sort(found, by_position)
	end
	local conduct = list(worksheet.conduct)
	local F = f
	F.found = found                    -- the IDs of F.disqualifying, in order
	-- the conduct factors the decision reads (only the values named in the
	-- rules count, so a JSON null is as good as no value here)
	F.seriousness = conduct.seriousness
	F.recency = conduct.recency
	F.recurrence = conduct.recurrence
	F.refused = refused                -- B2, from the worksheet or an interview
	F.holds_clearance = case.holder == true
	F.convictions_on_file = #list(case.convictions) > 0
	F.guideline_E_assessed = f.guidelines.E ~= nil
	F.adverse_on_file = noa or #list(case.adverse) > 0
	F.several_areas_rule = true
	return F
end

-- The day and the settings one adjudicate() call works with, read once
-- (as setting() reads them: a missing or null value is the default). They
-- are seldom other than at the last call, so the last ones are kept and
-- used again while nothing has changed.
local last_params = {}
local function params_of(ctx)
	local today = ctx.today
	local s = ctx.settings
	if s == null then
		s = nil
	end
	local recent_years = s and s.recent_years
	local several_areas = s and s.several_areas
	local needed = s and s.holder_factors_needed
	if recent_years == nil or recent_years == null then
		recent_years = 5
	end
	if several_areas == nil or several_areas == null then
		several_areas = 3
	end
	if needed == nil or needed == null then
		needed = 3
	end
	local P = last_params
	if P.today ~= today or P.recent_years ~= recent_years
	    or P.several_areas ~= several_areas
	    or P.holder_factors_needed ~= needed then
		P = { today = today, recent_years = recent_years,
		    several_areas = several_areas, holder_factors_needed = needed }
		last_params = P
	end
	return P
end

-- Is the conduct recent? By the date of the finding when it has one,
-- otherwise by the conduct factors.
local function is_recent(date, F, P)
	if date then
		return adjudication.recent(date, P.today, P.recent_years)
	end
	return F.recency == "recent" or F.recency == "current"
end

-- A recommendation is worked out in two steps: weigh_findings() weighs the
-- refusal to cooperate and each disqualifying condition found, and
-- conclude() adds what the file as a whole says (several areas, patterns,
-- information not yet assessed, a holder's record). With a builder b, each
-- step writes its reasons to b; without one (for weighing "what if"
-- alternatives) only the recommendation is worked out.

-- weigh_findings(F, P, b) -> W, how the findings weigh: two verdicts kept
-- apart, `fixed` for the rules that nothing about the person's standing can
-- soften (B2, grave conditions) and `weighed` for everything else, which a
-- continuing holder's record may soften; the guidelines with a mitigated
-- finding (areas); whether any finding was mitigated, and whether there
-- was any finding at all; and W[id] = true for each finding a mitigating
-- condition answers.
local function weigh_findings(F, P, b)
	local mitigating, found = F.mitigating, F.found
	local fixed, weighed = "grant", "grant"
	local areas = {}   -- guideline letters, each once
	local any_mitigated, any_finding = false, false
	local W = { fixed = fixed, weighed = weighed, areas = areas,
	    any_mitigated = false, any_finding = false }   -- filled in below

	-- Refusal to cooperate with vetting (NZSIS B2; REGDOC 5.4.4, 5.5).
	if F.refused then
		any_finding = true
		if mitigating.B17 then
			any_mitigated = true
			if b then
				b:reason("The applicant did not cooperate at first, but this came from "
				    .. "poor official or legal advice and they cooperated fully once "
				    .. "told (B2 answered by B17); it is not held against them.",
				    B2_B17)
			end
		else
			fixed = worse(fixed, "deny")
			if b then
				b:reason("The applicant refused or failed to cooperate with the vetting "
				    .. "process (an interview, a form or a truthful answer); this "
				    .. "normally leads to an adverse recommendation (B2).", B2)
			end
		end
	end

	-- Each disqualifying condition found, in the order of the guidelines.
	for k = 1, #found do
		local id = found[k]
		if id ~= "B2" then
			local date = F.disqualifying[id].date
			any_finding = true
			-- The mitigating conditions found that answer it: `have` of
			-- them, the first that clears it, and (for the reasons) cites,
			-- the condition and then those (made with room for one).
			local can = ANSWERS[id]
			local cites, have, clears = b and { id, nil }, 0, nil
			for i = 1, #can do
				local m = can[i]
				if mitigating[m] then
					have = have + 1
					if cites then
						cites[have + 1] = m
					end
					clears = clears or (CLEARS[m] and m)
				end
			end

			if have == 0 and (id == "B6" or id == "B7") then
				-- Lesser concerns that add up, or concerns outside the other
				-- guidelines: the authority weighs the whole person (B6, B7).
				weighed = worse(weighed, "refer")
				if b then
					b:reason(NAMED[id] .. ": adverse information, not enough by "
					    .. "itself, adds up to doubt about the whole person; the "
					    .. "authority must weigh it.", cites)
				end
			elseif have == 0 then
				local serious = F.seriousness == "high"
				    or F.recurrence == "likely"
				    or F.recency == "current"
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
				if b then
					b:reason(NAMED[id] .. " was found"
					    .. (date and (" (" .. date .. ")") or "")
					    .. " and no mitigating condition applies to it; " .. why
					    .. ", so it cannot be a grant.", cites)
				end
			else
				any_mitigated = true
				W[id] = true
				local letter = GUIDELINE[id]
				if id ~= "B6" and id ~= "B7" and not has(areas, letter) then
					areas[#areas + 1] = letter
				end
				local because   -- the rest of the reason, after "... is answered by ..."
				if clears then
					because = b and ("; under " .. clears
					    .. " it is not held against the candidate.")
				elseif F.recurrence == "likely" then
					weighed = worse(weighed, "refer")
					because = ", but the conduct is judged likely to recur, which "
					    .. "those conditions rule out; the doubt goes to the authority."
				elseif SEVERE[id] and is_recent(date, F, P) then
					fixed = worse(fixed, "refer")
					because = ", but the conduct is recent and of the gravest kind; "
					    .. "the authority decides."
				elseif SEVERE[id] then
					weighed = worse(weighed, "grant_with_warning")
					because = " and is not recent; being of the gravest kind, it is "
					    .. "granted only with a warning."
				elseif is_recent(date, F, P) then
					weighed = worse(weighed, "grant_with_warning")
					because = b and ("; the conduct is recent ("
					    .. (date or "by the conduct factors") .. "), which calls "
					    .. "for a warning.")
				else
					because = "."
				end
				if b then
					b:reason(NAMED[id] .. " is answered by "
					    .. concat(cites, ", ", 2) .. because, cites)
				end
			end
		end
	end
	W.fixed, W.weighed = fixed, weighed
	W.any_mitigated, W.any_finding = any_mitigated, any_finding
	return W
end

-- conclude(F, P, W, b) -> the recommendation, given how the findings weigh
-- (W, from weigh_findings), and whether the several-areas rule (B6)
-- counted in it.
local function conclude(F, P, W, b)
	local fixed, weighed = W.fixed, W.weighed
	local areas, any_mitigated = W.areas, W.any_mitigated
	local any_finding = W.any_finding

	-- Several areas of concern, each answered on its own, may still add up
	-- to doubt about the whole person (NZSIS B6).
	local several_applied = F.several_areas_rule
	    and #areas >= P.several_areas
	if several_applied then
		weighed = worse(weighed, "refer")
		if b then
			local cites = { "B6" }
			for _, id in ipairs(F.found) do
				if has(areas, GUIDELINE[id]) then
					cites[#cites + 1] = id
				end
			end
			b:reason("Concerns were found under " .. #areas .. " guidelines ("
			    .. concat(areas, ", ") .. "); each is answered, but together "
			    .. "they call for a whole-person judgment by the authority (B6).",
			    cites)
		end
	end

	-- A current or recurring pattern bars a grant (NZSIS criteria).
	if next(F.patterns) then
		local names, pcites = {}, {}
		for _, p in ipairs(PATTERNS) do
			if F.patterns[p.id] then
				names[#names + 1] = p.name
				pcites[#pcites + 1] = p.id
			end
		end
		if #names > 0 then
			fixed = worse(fixed, any_mitigated and "refer" or "deny")
			if b then
				for _, id in ipairs(F.found) do
					pcites[#pcites + 1] = id
				end
				b:reason("The file shows a current or recurring pattern of "
				    .. concat(names, ", ") .. "; no grant can be recommended "
				    .. "while it lasts"
				    .. (any_mitigated and " (mitigation exists, so the authority decides)" or "")
				    .. ".", pcites)
			end
		end
	end

	-- Having sought counselling never counts against anyone (NZSIS G6).
	if b and F.protected.G6 then
		b:reason("The candidate sought mental health counselling; no negative "
		    .. "inference is drawn from that (G6).", G6)
	end

	-- Information on file that the worksheet does not address: doubt is
	-- settled on the side of the national interest.
	if F.convictions_on_file and not F.guideline_E_assessed then
		any_finding = true
		fixed = worse(fixed, "refer")
		if b then
			b:reason("Convictions are on file but the worksheet records nothing "
			    .. "under guideline E; they must be assessed (E2).", E2)
		end
	end
	if F.adverse_on_file and #F.found == 0 and not F.refused then
		any_finding = true
		fixed = worse(fixed, "refer")
		if b then
			b:reason("Adverse information is on file but the worksheet records no "
			    .. "finding; it must be assessed before a recommendation (REGDOC "
			    .. "5.3.1, 5.2.6).", REGDOC_5_3_1)
		end
	end

	-- A continuing holder: the holder factors weigh toward continuation.
	local factors = NONE
	if next(F.holder) then
		factors = {}
		for _, id in ipairs(HOLDER_FACTORS) do
			if F.holder[id] then
				factors[#factors + 1] = id
			end
		end
	end
	if #factors > 0 then
		local listed = b and concat(factors, ", ")
		if not F.holds_clearance then
			if b then
				b:reason("Holder factors were recorded but the candidate holds no "
				    .. "clearance now; they are not weighed.", factors)
			end
		elseif RANK[fixed] >= RANK.refer then
			if b then
				b:reason("The candidate already holds a clearance, but the holder "
				    .. "factors (" .. listed .. ") cannot outweigh a refusal to "
				    .. "cooperate, a grave condition, a pattern or unassessed "
				    .. "information.", factors)
			end
		elseif RANK[weighed] >= RANK.refer then
			local before = weighed
			if weighed == "deny" then
				weighed = "refer"
			elseif #factors >= P.holder_factors_needed then
				weighed = "grant_with_warning"
			end
			if b and weighed ~= before then
				b:reason("The candidate already holds a clearance, and holder "
				    .. "factors weigh toward continuing it (" .. #factors .. " of 5: "
				    .. listed .. "): " .. before .. " becomes " .. weighed .. ".",
				    factors)
			elseif b then
				b:reason("The candidate already holds a clearance; " .. #factors
				    .. " holder factor(s) (" .. listed .. ") are not enough to "
				    .. "continue it without the authority.", factors)
			end
		elseif b then
			b:reason("The candidate already holds a clearance and the holder "
			    .. "factors (" .. listed .. ") support continuing it.", factors)
		end
	end

	local outcome = worse(fixed, weighed)
	if not b then
		return outcome, several_applied
	end
	if outcome == "grant_with_warning" then
		b:reason("Granted with a warning: a future incident of a similar nature "
		    .. "may lead to an adverse recommendation.",
		    { "NZSIS criteria: grant with a warning" })
	elseif outcome == "grant" and not any_finding then
		b:reason("No disqualifying condition or pattern was found; nothing in the "
		    .. "file weighs against the candidate.",
		    { "NZSIS criteria: whole person" })
	elseif outcome == "grant" then
		b:reason("Every condition found is answered by a mitigating condition, "
		    .. "and none of the conduct is recent.",
		    { "NZSIS criteria: mitigation" })
	end
	return outcome, several_applied
end

-- evaluate(F, P, b) -> the recommendation the facts F lead to (both
-- steps).
local function evaluate(F, P, b)
	return (conclude(F, P, weigh_findings(F, P, b), b))
end

-- The day `years` + 1 years before `today`: a date that is certainly not
-- recent. It is the same for every call on a given day, so the last one
-- worked out is kept.
local last_long_ago = {}
local function long_ago_of(today, years)
	local last = last_long_ago
	if last.today ~= today or last.years ~= years then
		last = { today = today, years = years,
		    date = dates.add_years(today, -(years + 1)) }
		last_long_ago = last
	end
	return last.date
end

-- A copy of the set (or map) s, with s[key] = value.
local function set_with(s, key, value)
	local c = copy(s)
	c[key] = value
	return c
end

-- The holder factors h, with more added in the catalog's order until there
-- are `needed` of them.
local function filled_up(h, needed)
	local c, n = copy(h), 0
	for _ in pairs(c) do
		n = n + 1
	end
	for _, id in ipairs(HOLDER_FACTORS) do
		if n < needed and not c[id] then
			c[id] = true
			n = n + 1
		end
	end
	return c
end

-- The "what if" questions: F is changed for the question and put back
-- once it is answered (no reasons are written).
-- outcome_if(F, P, key, value [, key2, value2]) -> the recommendation if
-- F[key] were value (and F[key2] value2), the findings weighed again.
local function outcome_if(F, P, key, value, key2, value2)
	local was, was2 = F[key], key2 and F[key2]
	F[key] = value
	if key2 then
		F[key2] = value2
	end
	local outcome = evaluate(F, P)
	F[key] = was
	if key2 then
		F[key2] = was2
	end
	return outcome
end

-- conclusion_if(F, P, W, key, value) -> the same, for a change that leaves
-- the findings and the conduct factors as they are: the findings weigh as
-- they did (W), and only the conclusion is drawn again.
local function conclusion_if(F, P, W, key, value)
	local was = F[key]
	F[key] = value
	local outcome = conclude(F, P, W)
	F[key] = was
	return outcome
end

-- would_change(F, P, W, outcome, several_applied, b): the facts that, if they
-- were otherwise, would change the recommendation (W, outcome and
-- several_applied: how F was weighed). Each alternative is F with one fact
-- changed, weighed again without reasons; only the ones that come to a
-- different outcome are written to b.
local function would_change(F, P, W, outcome, several_applied, b)
	local recent_years = P.recent_years
	local long_ago = long_ago_of(P.today, recent_years)
	local recent_by_factors = F.recency == "recent" or F.recency == "current"

	if F.refused and not F.mitigating.B17 and outcome_if(F, P, "mitigating",
	    set_with(F.mitigating, "B17", true)) ~= outcome then
		b:would_change("mitigating B17 found for B2 (the failure came from poor "
		    .. "advice and the applicant has since cooperated fully)", B2_B17)
	end
	local found_ids = F.found
	for k = 1, #found_ids do
		local id = found_ids[k]
		local found = F.disqualifying[id]
		if id ~= "B2" then
			local can = ANSWERS[id]
			if not W[id] and outcome_if(F, P, "mitigating",
			    set_with(F.mitigating, can[1], true)) ~= outcome then
				b:would_change("mitigating " .. either(can) .. " found for " .. id,
				    with(id, can))
			end
			-- Conduct that is already long past, by its date and by the
			-- conduct factors, is the file as it stands (the rules read
			-- nothing else of the date or the recency): nothing to weigh.
			local long_past = not recent_by_factors
			    and not is_recent(found.date, F, P)
			if not long_past and outcome_if(F, P, "disqualifying",
			    set_with(F.disqualifying, id, { date = long_ago, facts = found.facts }),
			    "recency", "old") ~= outcome then
				b:would_change(id .. " conduct more than " .. recent_years
				    .. " years old", { id })
			end
		end
	end
	if next(F.patterns) then
		for _, p in ipairs(PATTERNS) do
			if F.patterns[p.id] and conclusion_if(F, P, W, "patterns",
			    set_with(F.patterns, p.id, nil)) ~= outcome then
				b:would_change("pattern '" .. p.id .. "' cleared", { p.id })
			end
		end
	end
	if F.recurrence == "likely"
	    and outcome_if(F, P, "recurrence", "unlikely") ~= outcome then
		b:would_change("recurrence of the conduct judged unlikely", {})
	end
	if F.seriousness == "high"
	    and outcome_if(F, P, "seriousness", "moderate") ~= outcome then
		b:would_change("the conduct judged of moderate seriousness", {})
	end
	-- Where the several-areas rule did not count, leaving it out changes
	-- nothing.
	if several_applied and conclusion_if(F, P, W, "several_areas_rule",
	    false) ~= outcome then
		b:would_change("concerns in fewer than " .. P.several_areas
		    .. " guidelines", { "B6" })
	end
	if F.holds_clearance and conclusion_if(F, P, W, "holder",
	    filled_up(F.holder, P.holder_factors_needed)) ~= outcome then
		b:would_change(P.holder_factors_needed
		    .. " or more holder factors established", {})
	end
	if F.convictions_on_file and not F.guideline_E_assessed
	    and conclusion_if(F, P, W, "guideline_E_assessed", true) ~= outcome then
		b:would_change("the convictions on file assessed under guideline E", E2)
	end
	if F.adverse_on_file
	    and conclusion_if(F, P, W, "adverse_on_file", false) ~= outcome then
		b:would_change("the adverse information on file assessed in the worksheet",
		    REGDOC_5_3_1)
	end
end

local function adjudicate(case, worksheet, ctx)
	-- findings() refuses any worksheet check() refuses; only then is check()
	-- asked what is wrong with it, for the message.
	local ok, f = pcall(adjudication.findings, worksheet)
	if not ok then
		local _, why = adjudication.check(worksheet)
		error(why and ("the adjudication worksheet cannot be used: " .. why)
		    or f, 0)
	end
	local F = facts_of(case, v(worksheet) or {}, f)
	local P = params_of(ctx)
	local b = adjudication.result()
	local W = weigh_findings(F, P, b)
	local outcome, several_applied = conclude(F, P, W, b)
	would_change(F, P, W, outcome, several_applied, b)
	return b:finish(outcome)
end

-- Incident triage: what the CSO is told about each type of report, and
-- which types call for handling within hours (reference 000).
local INCIDENT_NOTICE = {
	security_breach = "A security breach was reported: report it to the "
	    .. "authority at once, then investigate its cause and take corrective "
	    .. "measures (CSP reporting page, breach steps).",
	security_contact = "A security contact was reported: it must be reported "
	    .. "to the authority as soon as possible so it can be assessed (CSP "
	    .. "reporting page, security contacts).",
	security_incident = "A security incident was reported: make the "
	    .. "preliminary inquiry, keep its written record and report it to the "
	    .. "authority (CSP reporting page).",
	change_of_circumstances = "A change of circumstances was reported: "
	    .. "report it to the authority promptly (CSP reporting page; REGDOC "
	    .. "6.1).",
	change_of_behaviour = "A change of behaviour was reported: report it to "
	    .. "the authority promptly (CSP reporting page).",
}

-- A breach must be reported at once and a suspicious contact as soon as it
-- happens (000): both are urgent. The other reports are to be made
-- promptly, which the normal queue does.
local INCIDENT_URGENT = { security_breach = true, security_contact = true }

-- triage(data, ctx) -> the actions for a new incident report, given
-- event.data = { incident_type, circumstance, holder }.
local function triage(data, ctx)
	local actions = {}
	local itype = v(data.incident_type)
	if INCIDENT_URGENT[itype] then
		actions[#actions + 1] = { action = "urgent",
		    hours = setting(ctx, "incident_urgent_hours", 24) }
	end
	actions[#actions + 1] = { action = "notify", role = "cso", kind = "incident",
	    message = INCIDENT_NOTICE[itype] or "An incident report was filed: "
	    .. "make the preliminary inquiry (CSP reporting page)." }
	-- A clearance holder's changed circumstances may pose a risk; the
	-- licensee looks into them (REGDOC 6.1), and a charge or conviction
	-- may call for alternative work until it is settled (REGDOC 5.4.3).
	local circumstance = v(data.circumstance)
	if itype == "change_of_circumstances" and v(data.holder) == true
	    and circumstance ~= nil then
		for _, c in ipairs(list(setting(ctx, "incident_review_circumstances",
		    { "conviction", "charge" }))) do
			if v(c) == circumstance then
				actions[#actions + 1] = { action = "open_review", reason =
				    "The clearance holder reported a change of circumstances ("
				    .. circumstance .. ") that may affect the clearance: it "
				    .. "is reviewed for cause (REGDOC 6.1; for a charge or "
				    .. "conviction consider alternative work meanwhile, "
				    .. "REGDOC 5.4.3)." }
				break
			end
		end
	end
	return actions
end

-- on_event(event, case, ctx) -> actions for vetd to carry out. For an
-- incident report (event "incident_reported") the second argument is the
-- incident, not a case.
local function on_event(event, case, ctx)
	local actions = {}
	local data = list(event.data)
	local etype = v(event.type)

	if etype == "incident_reported" then
		return triage(data, ctx)
	elseif etype == "notice_recorded" then
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
