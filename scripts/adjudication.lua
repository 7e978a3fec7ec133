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

local function mit_id(m)
	if type(m) == "table" then
		return present(m.id)
	end
	return m
end

-- check(worksheet) -> true, or nil and a message naming the offending entry.
function M.check(ws)
	ws = present(ws)
	if ws == nil then
		return true
	end
	if type(ws) ~= "table" then
		return nil, "the worksheet is not an object"
	end
	local gl = present(ws.guidelines)
	if gl ~= nil then
		if type(gl) ~= "table" then
			return nil, "worksheet.guidelines is not an object"
		end
		for letter, g in pairs(gl) do
			local where = "worksheet.guidelines." .. tostring(letter)
			if not guidelines.guidelines[letter] then
				return nil, where .. ": there is no guideline "
				    .. tostring(letter) .. " (A to G)"
			end
			if type(g) ~= "table" then
				return nil, where .. " is not an object"
			end
			local dq = present(g.disqualifying) or {}
			if not is_list(dq) then
				return nil, where .. ".disqualifying is not a list"
			end
			for i, f in ipairs(dq) do
				local at = where .. ".disqualifying[" .. i .. "]"
				if type(f) ~= "table" or type(present(f.id)) ~= "string" then
					return nil, at .. ": expected { id = \"" .. letter
					    .. "..\", date = ..., facts = ... }"
				end
				local item = guidelines.items[f.id]
				if not item then
					return nil, at .. ": unknown condition " .. f.id
				end
				if item.guideline ~= letter then
					return nil, at .. ": " .. f.id .. " belongs to guideline "
					    .. item.guideline .. ", not " .. letter
				end
				if f.id == "B4" then
					return nil, at .. ": B4 is a protection (sexual orientation "
					    .. "or preference is never a factor) and cannot be a finding"
				end
				if item.kind == "mitigating" then
					return nil, at .. ": " .. f.id .. " is a mitigating "
					    .. "condition; list it under mitigating"
				end
				if item.kind == "concern" and not FINDING_CONCERNS[f.id] then
					return nil, at .. ": " .. f.id .. " states a concern, "
					    .. "not a condition; cite the disqualifying condition "
					    .. "of guideline " .. letter .. " that applies"
				end
				local d = present(f.date)
				if d ~= nil and not dates.valid(d) then
					local _, why = dates.parse(d)
					return nil, at .. ".date: " .. why
				end
				local facts = present(f.facts)
				if facts ~= nil and type(facts) ~= "string" then
					return nil, at .. ".facts is not text"
				end
			end
			local mit = present(g.mitigating) or {}
			if not is_list(mit) then
				return nil, where .. ".mitigating is not a list"
			end
			for i, m in ipairs(mit) do
				local at = where .. ".mitigating[" .. i .. "]"
				local id = mit_id(m)
				if type(id) ~= "string" then
					return nil, at .. ": expected a condition ID such as \""
					    .. letter .. "...\""
				end
				local item = guidelines.items[id]
				if not item then
					return nil, at .. ": unknown condition " .. id
				end
				if item.guideline ~= letter then
					return nil, at .. ": " .. id .. " belongs to guideline "
					    .. item.guideline .. ", not " .. letter
				end
				if item.kind ~= "mitigating" then
					return nil, at .. ": " .. id .. " is not a mitigating "
					    .. "condition (it is a " .. item.kind .. " item)"
				end
			end
		end
	end
	local conduct = present(ws.conduct)
	if conduct ~= nil then
		if type(conduct) ~= "table" then
			return nil, "worksheet.conduct is not an object"
		end
		for k, v in pairs(conduct) do
			local f = CONDUCT[k]
			if not f then
				return nil, "worksheet.conduct." .. tostring(k)
				    .. ": not a conduct factor"
			end
			v = present(v)
			if v ~= nil and f.values then
				local ok = false
				for _, allowed in ipairs(f.values) do
					if v == allowed then
						ok = true
					end
				end
				if not ok then
					return nil, "worksheet.conduct." .. k .. ": '"
					    .. tostring(v) .. "' is not one of "
					    .. table.concat(f.values, ", ")
				end
			elseif v ~= nil and type(v) ~= "string" then
				return nil, "worksheet.conduct." .. k .. " is not text"
			end
		end
	end
	local lists = { { "patterns", PATTERNS, "pattern" },
	    { "holder_factors", HOLDER, "holder factor" } }
	for _, spec in ipairs(lists) do
		local l = present(ws[spec[1]])
		if l ~= nil then
			if not is_list(l) then
				return nil, "worksheet." .. spec[1] .. " is not a list"
			end
			for i, id in ipairs(l) do
				if not spec[2][id] then
					return nil, "worksheet." .. spec[1] .. "[" .. i .. "]: '"
					    .. tostring(id) .. "' is not a known " .. spec[3]
				end
			end
		end
	end
	return true
end

-- findings(worksheet) -> sets (see the contract); raises an error when the
-- worksheet does not pass check().
function M.findings(ws)
	local ok, why = M.check(ws)
	if not ok then
		error(why, 2)
	end
	local out = { disqualifying = {}, mitigating = {}, patterns = {},
	    holder = {}, protected = {}, guidelines = {} }
	ws = present(ws) or {}
	local gl = present(ws.guidelines) or {}
	for _, letter in ipairs(guidelines.letters) do
		local g = present(gl[letter])
		if g then
			local dq, mit = {}, {}
			for _, f in ipairs(present(g.disqualifying) or {}) do
				local entry = { date = present(f.date), facts = present(f.facts) }
				if guidelines.items[f.id].protective then
					out.protected[f.id] = entry
				else
					local prev = out.disqualifying[f.id]
					if prev == nil then
						dq[#dq + 1] = f.id
						entry.count = 1
						out.disqualifying[f.id] = entry
					else
						prev.count = prev.count + 1
						if entry.date and (prev.date == nil or
						    dates.compare(entry.date, prev.date) > 0) then
							prev.date, prev.facts = entry.date, entry.facts
						end
					end
				end
			end
			for _, m in ipairs(present(g.mitigating) or {}) do
				local id = mit_id(m)
				if not out.mitigating[id] then
					out.mitigating[id] = true
					mit[#mit + 1] = id
				end
			end
			if #dq > 0 or #mit > 0 then
				out.guidelines[letter] = { disqualifying = dq, mitigating = mit }
			end
		end
	end
	for _, id in ipairs(present(ws.patterns) or {}) do
		out.patterns[id] = true
	end
	for _, id in ipairs(present(ws.holder_factors) or {}) do
		out.holder[id] = true
	end
	return out
end

-- recent(date, today, years) -> true when the date falls less than `years`
-- years before today (or after it); false for a date that is not valid.
function M.recent(date, today, years)
	if not dates.valid(date) or not dates.valid(today) then
		return false
	end
	return dates.compare(date, dates.add_years(today, -(years or 5))) > 0
end

-- The builder of an adjudicate() answer.
local Builder = {}
Builder.__index = Builder

local function strings(list, what)
	local out, seen = {}, {}
	for _, v in ipairs(list or {}) do
		if type(v) ~= "string" then
			error(what .. ": cites must be strings", 3)
		end
		if not seen[v] then
			seen[v] = true
			out[#out + 1] = v
		end
	end
	return out
end

function Builder:reason(text, cites)
	if type(text) ~= "string" or text == "" then
		error("reason: text is required", 2)
	end
	self._reasons[#self._reasons + 1] = { text = text,
	    cites = strings(cites, "reason") }
	return self
end

function Builder:would_change(text, cites)
	if type(text) ~= "string" or text == "" then
		error("would_change: text is required", 2)
	end
	for _, w in ipairs(self._would) do
		if w.text == text then
			return self
		end
	end
	self._would[#self._would + 1] = { text = text,
	    cites = strings(cites, "would_change") }
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
	return setmetatable({ _reasons = {}, _would = {}, _restrictions = {},
	    _flags = {} }, Builder)
end

return M
