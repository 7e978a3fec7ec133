-- adjudication: reading and checking an adjudication worksheet, and building
-- the answer adjudicate() returns. The worksheet records, per guideline of
-- the NZSIS adjudicative guidelines (reference 002), the disqualifying
-- conditions found (with the date of the conduct and the facts) and the
-- mitigating conditions that apply, plus the conduct factors, any current
-- or recurring pattern, and, for a person who already holds a clearance, the
-- holder factors. check() refuses a worksheet that names an unknown ID, an
-- ID under the wrong guideline or of the wrong kind, or a bad date, so a
-- policy never reasons from a typo. findings() turns the worksheet into
-- sets that are easy to ask about. Two protections are built in: B4 (sexual
-- orientation or preference) can never be recorded as a finding, and G6
-- (having sought counselling) is kept apart under `protected`, never among
-- the disqualifying findings, so no policy can count it against anyone.

local guidelines = require("guidelines")
local dates = require("dates")

-- Functions used on every call, kept in locals: a global is read through
-- the sandbox's read-only environment, which is slower.
local ipairs, pairs, type, tostring = ipairs, pairs, type, tostring
local error, setmetatable = error, setmetatable
local null = null

local M = {}

local function present(v)
	if v == nil or v == null then
		return nil
	end
	return v
end

-- Concern items that describe conduct an adjudicator records as a finding:
-- B2, refusing or failing to cooperate with vetting, which the reference
-- says normally leads to an adverse recommendation.
local FINDING_CONCERNS = { B2 = true }

local RECOMMENDATIONS = { grant = true, grant_with_restrictions = true,
    grant_with_warning = true, deny = true, refer = true }

local RESTRICTIONS = { hours = true, areas = true,
    no_prescribed_information = true, standalone_computer = true,
    escort = true, other = true }

local function id_set(list)
	local s = {}
	for _, v in ipairs(list) do
		s[v.id] = v
	end
	return s
end

local CONDUCT = id_set(guidelines.conduct_factors)
local PATTERNS = id_set(guidelines.patterns)
local HOLDER = id_set(guidelines.holder_factors)

-- What check() and findings() ask of the catalog on every call, copied
-- once into plain tables (what require() returns is read-only, and slower
-- to read): each item's guideline, kind and whether it is a protection;
-- the guideline letters; and the values each conduct factor may take, as a
-- list (for messages) and as a set (false for a factor in free text).
local EMPTY_SET = {}
local ITEMS = {}
for _, id in ipairs(guidelines.order) do
	local item = guidelines.items[id]
	ITEMS[id] = { guideline = item.guideline, kind = item.kind,
	    protective = item.protective }
end
local GUIDELINES = {}
for letter in pairs(guidelines.guidelines) do
	GUIDELINES[letter] = true
end
local CONDUCT_VALUES = {}
for id, f in pairs(CONDUCT) do
	local values = false
	if f.values then
		values = { list = {}, set = {} }
		for i, value in ipairs(f.values) do
			values.list[i] = value
			values.set[value] = true
		end
	end
	CONDUCT_VALUES[id] = values
end
-- CONDUCT_OK[factor][value]: a value the factor may take for certain
-- (null included: no value); anything else is looked at more closely.
local CONDUCT_OK = {}
for id, values in pairs(CONDUCT_VALUES) do
	local ok = { [null] = true }
	for value in pairs(values and values.set or EMPTY_SET) do
		ok[value] = true
	end
	CONDUCT_OK[id] = ok
end

-- The IDs a worksheet may record under each guideline letter: as a
-- disqualifying finding (FINDINGS[letter][id]: its disqualifying
-- conditions, and B2 under B, never B4) and as a mitigating condition
-- (MITIGATIONS[letter][id]). An entry outside these is refused; which rule
-- it breaks is worked out only then, for the message.
local FINDINGS, MITIGATIONS = {}, {}
for letter in pairs(GUIDELINES) do
	FINDINGS[letter], MITIGATIONS[letter] = {}, {}
end
for id, item in pairs(ITEMS) do
	if item.kind == "mitigating" then
		MITIGATIONS[item.guideline][id] = true
	elseif id ~= "B4" and (item.kind == "disqualifying" or FINDING_CONCERNS[id]) then
		FINDINGS[item.guideline][id] = true
	end
end

local parse_date = dates.parse

local function is_list(t)
	if type(t) ~= "table" then
		return false
	end
	local n = 0
	for _ in pairs(t) do
		n = n + 1
	end
	return n == #t
end

-- Where an entry of worksheet.guidelines is, for messages (built only when
-- there is something to say): "worksheet.guidelines.E", or with a list and
-- a position "worksheet.guidelines.E.mitigating[2]".
local function place(letter, list, i)
	local where = "worksheet.guidelines." .. tostring(letter)
	if list then
		return where .. "." .. list .. "[" .. i .. "]"
	end
	return where
end

local EMPTY = {}

-- Why the i-th disqualifying entry f of guideline letter is refused (its
-- ID is not one FINDINGS allows there).
local function finding_problem(letter, i, f)
	local at = place(letter, "disqualifying", i)
	if type(f) ~= "table" or type(f.id) ~= "string" then
		return at .. ": expected { id = \"" .. letter
		    .. "..\", date = ..., facts = ... }"
	end
	local id = f.id
	local item = ITEMS[id]
	if not item then
		return at .. ": unknown condition " .. id
	end
	if item.guideline ~= letter then
		return at .. ": " .. id .. " belongs to guideline " .. item.guideline
		    .. ", not " .. letter
	end
	if id == "B4" then
		return at .. ": B4 is a protection (sexual orientation or preference "
		    .. "is never a factor) and cannot be a finding"
	end
	if item.kind == "mitigating" then
		return at .. ": " .. id .. " is a mitigating condition; list it under "
		    .. "mitigating"
	end
	return at .. ": " .. id .. " states a concern, not a condition; cite the "
	    .. "disqualifying condition of guideline " .. letter .. " that applies"
end

-- Why the i-th mitigating entry (ID id) of guideline letter is refused (it
-- is not one MITIGATIONS allows there).
local function mitigation_problem(letter, i, id)
	local at = place(letter, "mitigating", i)
	if type(id) ~= "string" then
		return at .. ": expected a condition ID such as \"" .. letter .. "...\""
	end
	local item = ITEMS[id]
	if not item then
		return at .. ": unknown condition " .. id
	end
	if item.guideline ~= letter then
		return at .. ": " .. id .. " belongs to guideline " .. item.guideline
		    .. ", not " .. letter
	end
	return at .. ": " .. id .. " is not a mitigating condition (it is a "
	    .. item.kind .. " item)"
end

-- Record a disqualifying finding (id, date, facts) of one guideline in the
-- findings out; ids is that guideline's list of the IDs found. G6 goes
-- under `protected`, never among the disqualifying findings. A condition
-- recorded more than once is counted, and keeps its latest date and facts.
local function record_finding(out, ids, id, date, facts)
	if ITEMS[id].protective then
		out.protected[id] = { date = date, facts = facts }
		return
	end
	local prev = out.disqualifying[id]
	if prev == nil then
		ids[#ids + 1] = id
		out.disqualifying[id] = { date = date, facts = facts, count = 1 }
	else
		prev.count = prev.count + 1
		if date and (prev.date == nil or dates.compare(date, prev.date) > 0) then
			prev.date, prev.facts = date, facts
		end
	end
end

-- (The lists of a worksheet are gone through as ipairs would, entry 1, 2,
-- ... up to the first missing one, but with a counted loop: it is quicker
-- in the sandbox.)

-- What is wrong with worksheet.guidelines[letter] = g, or nil. Given the
-- findings out, records what g holds in it along the way.
local function guideline_problem(letter, g, out)
	if not GUIDELINES[letter] then
		return place(letter) .. ": there is no guideline "
		    .. tostring(letter) .. " (A to G)"
	end
	if type(g) ~= "table" then
		return place(letter) .. " is not an object"
	end
	local dq = g.disqualifying
	if not dq or dq == null then
		dq = EMPTY
	end
	if not is_list(dq) then
		return place(letter) .. ".disqualifying is not a list"
	end
	local allowed = FINDINGS[letter]
	local found = out and {}   -- the IDs found, for out.guidelines
	for i = 1, #dq do
		local f = dq[i]
		if f == nil then
			break
		end
		if type(f) ~= "table" or not allowed[f.id] then
			return finding_problem(letter, i, f)
		end
		local d, facts = f.date, f.facts
		if d == null then
			d = nil
		end
		if facts == null then
			facts = nil
		end
		if d ~= nil and not parse_date(d) then
			local _, why = parse_date(d)
			return place(letter, "disqualifying", i) .. ".date: " .. why
		end
		if facts ~= nil and type(facts) ~= "string" then
			return place(letter, "disqualifying", i) .. ".facts is not text"
		end
		if out then
			record_finding(out, found, f.id, d, facts)
		end
	end
	local mit = g.mitigating
	if not mit or mit == null then
		mit = EMPTY
	end
	if not is_list(mit) then
		return place(letter) .. ".mitigating is not a list"
	end
	allowed = MITIGATIONS[letter]
	local answers = out and {}   -- the mitigating IDs, for out.guidelines
	for i = 1, #mit do
		local id = mit[i]   -- an ID, or { id = ... }
		if id == nil then
			break
		end
		if not allowed[id] then
			if type(id) == "table" then
				id = present(id.id)
			end
			if not allowed[id] then
				return mitigation_problem(letter, i, id)
			end
		end
		if out and not out.mitigating[id] then
			out.mitigating[id] = true
			answers[#answers + 1] = id
		end
	end
	if out and (#found > 0 or #answers > 0) then
		out.guidelines[letter] = { disqualifying = found, mitigating = answers }
	end
	return nil
end

-- What is wrong with the list of catalog IDs ws[key] (each one of allowed,
-- called `what` in a message), or nil. Given a set, records the IDs in it.
local function id_list_problem(ws, key, allowed, what, set)
	local l = ws[key]
	if l == nil or l == null then
		return nil
	end
	if not is_list(l) then
		return "worksheet." .. key .. " is not a list"
	end
	for i = 1, #l do
		local id = l[i]
		if id == nil then
			break
		end
		if not allowed[id] then
			return "worksheet." .. key .. "[" .. i .. "]: '" .. tostring(id)
			    .. "' is not a known " .. what
		end
		if set then
			set[id] = true
		end
	end
	return nil
end

-- read(ws, out) -> what is wrong with the worksheet ws, or nil; given the
-- findings out, records in it what the worksheet holds along the way, so
-- that findings() goes through the worksheet only once.
local function read(ws, out)
	if ws == nil or ws == null then
		return nil
	end
	if type(ws) ~= "table" then
		return "the worksheet is not an object"
	end
	local gl = ws.guidelines
	if gl ~= nil and gl ~= null then
		if type(gl) ~= "table" then
			return "worksheet.guidelines is not an object"
		end
		for letter, g in pairs(gl) do
			local problem = guideline_problem(letter, g, out)
			if problem then
				return problem
			end
		end
	end
	local conduct = ws.conduct
	if conduct ~= nil and conduct ~= null then
		if type(conduct) ~= "table" then
			return "worksheet.conduct is not an object"
		end
		for k, v in pairs(conduct) do
			local ok = CONDUCT_OK[k]
			if not (ok and ok[v]) then
				local values = CONDUCT_VALUES[k]
				if values == nil then
					return "worksheet.conduct." .. tostring(k)
					    .. ": not a conduct factor"
				end
				if values then
					return "worksheet.conduct." .. k .. ": '" .. tostring(v)
					    .. "' is not one of " .. table.concat(values.list, ", ")
				elseif type(v) ~= "string" then
					return "worksheet.conduct." .. k .. " is not text"
				end
			end
		end
	end
	return id_list_problem(ws, "patterns", PATTERNS, "pattern",
	    out and out.patterns)
	    or id_list_problem(ws, "holder_factors", HOLDER, "holder factor",
	    out and out.holder)
end

-- check(worksheet) -> true, or nil and a message naming the offending entry.
function M.check(ws)
	local problem = read(ws)
	if problem then
		return nil, problem
	end
	return true
end

-- findings(worksheet) -> sets (see the contract); raises an error when the
-- worksheet does not pass check().
function M.findings(ws)
	local out = { disqualifying = {}, mitigating = {}, patterns = {},
	    holder = {}, protected = {}, guidelines = {} }
	local problem = read(ws, out)
	if problem then
		error(problem, 2)
	end
	return out
end

-- recent(date, today, years) -> true when the date falls less than `years`
-- years before today (or after it); false for a date that is not valid.
-- The date `years` before today, and the answers given against it, are the
-- same for every call on one day, so they are kept (the answers up to a
-- limit).
local since = { answers = {} }
function M.recent(date, today, years)
	years = years or 5
	local s = since
	if s.today == today and s.years == years then
		local known = s.answers[date]
		if known ~= nil then
			return known
		end
	end
	if not dates.valid(date) or not dates.valid(today) then
		return false
	end
	if s.today ~= today or s.years ~= years then
		s = { today = today, years = years, answers = {}, count = 0,
		    date = dates.add_years(today, -years) }
		since = s
	end
	local r = dates.compare(date, s.date) > 0
	if s.count < 4096 then
		s.answers[date] = r
		s.count = s.count + 1
	end
	return r
end

-- The builder of an adjudicate() answer.
local Builder = {}
Builder.__index = Builder

-- The cites already seen to be strings. Cites come from a small
-- vocabulary (condition IDs, REGDOC sections), and a look in this set is
-- quicker in the sandbox than asking type(); the set is emptied when it
-- grows past CITES_MAX entries.
local CITES_MAX = 4096
local cite_strings, cite_count = {}, 0

-- A copy of the list of cites, each once. Lists of cites are short, so
-- looking through the copy for a repeat is quicker than keeping a set.
local function strings(list, what)
	local out, n = { nil, nil }, 0
	list = list or EMPTY
	local k, v = 1, list[1]
	while v ~= nil do   -- as ipairs goes: up to the first missing entry
		if not cite_strings[v] then
			if type(v) ~= "string" then
				error(what .. ": cites must be strings", 3)
			end
			if cite_count >= CITES_MAX then
				cite_strings, cite_count = {}, 0
			end
			cite_strings[v] = true
			cite_count = cite_count + 1
		end
		local seen = false
		for i = 1, n do
			if out[i] == v then
				seen = true
				break
			end
		end
		if not seen then
			n = n + 1
			out[n] = v
		end
		k = k + 1
		v = list[k]
	end
	return out
end

function Builder:reason(text, cites)
	if type(text) ~= "string" or text == "" then
		error("reason: text is required", 2)
	end
	local reasons = self._reasons
	reasons[#reasons + 1] = { text = text, cites = strings(cites, "reason") }
	return self
end

function Builder:would_change(text, cites)
	if type(text) ~= "string" or text == "" then
		error("would_change: text is required", 2)
	end
	local would = self._would
	for i = 1, #would do
		if would[i].text == text then
			return self
		end
	end
	would[#would + 1] = { text = text, cites = strings(cites, "would_change") }
	return self
end

function Builder:restrict(rtype, detail, review_months)
	if not RESTRICTIONS[rtype] then
		error("restrict: unknown restriction type '" .. tostring(rtype)
		    .. "'", 2)
	end
	self._restrictions[#self._restrictions + 1] = { type = rtype,
	    detail = detail or "", review_months = review_months or 12 }
	return self
end

function Builder:flag(name)
	for _, f in ipairs(self._flags) do
		if f == name then
			return self
		end
	end
	self._flags[#self._flags + 1] = name
	return self
end

function Builder:finish(recommendation)
	if not RECOMMENDATIONS[recommendation] then
		error("finish: '" .. tostring(recommendation)
		    .. "' is not a recommendation", 2)
	end
	if recommendation == "grant_with_restrictions" and #self._restrictions == 0 then
		error("finish: grant_with_restrictions needs at least one restriction", 2)
	end
	if #self._reasons == 0 then
		error("finish: a recommendation needs at least one reason", 2)
	end
	return { recommendation = recommendation, restrictions = self._restrictions,
	    reasons = self._reasons, would_change = self._would,
	    flags = self._flags }
end

function M.result()
	-- (room for four reasons from the start: the list need not grow)
	return setmetatable({ _reasons = { nil, nil, nil, nil }, _would = {},
	    _restrictions = {}, _flags = {} }, Builder)
end

return M
