-- history: the traceable-history helpers of REGDOC 4.3, 4.4, 5.2.2 and 5.2.3.
-- A clearance needs a history (residence, employment) that can be traced
-- over a window ending today: five years, or back to the sixteenth birthday
-- when the person is under twenty-one (REGDOC 4.3). window() computes that
-- window from the settings, merge() and gaps() find the spans no record
-- covers, and abroad() finds the periods lived outside the home countries,
-- from age sixteen, that are long enough to need a criminal record name
-- check from that country (REGDOC 5.2.2, 5.2.3). Intervals are inclusive
-- day ranges { from = "YYYY-MM-DD", to = "YYYY-MM-DD" }; a missing "to" (nil,
-- or the JSON null vetd passes) means the interval runs to today. Records
-- whose dates are not valid cover nothing, so bad data shows up as a gap.

local dates = require("dates")

local M = {}

local function present(v)
	if v == nil or v == null then
		return nil
	end
	return v
end

local function setting(settings, key, default)
	local v = settings and present(settings[key])
	if type(v) == "number" then
		return v
	end
	return default
end

-- window(dob, today, settings) -> from, to
function M.window(dob, today, settings)
	local years = setting(settings, "history_years", 5)
	local min_age = setting(settings, "history_min_age", 16)
	local full_age = setting(settings, "history_full_age", 21)
	local from = dates.add_years(today, -years)
	if dates.valid(dob) and dates.age(dob, today) < full_age then
		from = dates.max(from, dates.add_years(dob, min_age))
	end
	if dates.compare(from, today) > 0 then
		from = today
	end
	return from, today
end

-- The interval as concrete dates, or nil when its dates are unusable.
local function concrete(iv, today)
	if type(iv) ~= "table" then
		return nil
	end
	local from, to = present(iv.from), present(iv.to)
	if not dates.valid(from) then
		return nil
	end
	if to == nil then
		to = today
	end
	if not dates.valid(to) or dates.compare(to, from) < 0 then
		return nil
	end
	return from, to
end

-- merge(intervals, today) -> sorted list of non-overlapping { from, to }
-- (intervals that touch, one ending the day before the next starts, join).
function M.merge(intervals, today)
	local list = {}
	for _, iv in ipairs(intervals or {}) do
		local from, to = concrete(iv, today)
		if from then
			list[#list + 1] = { from = from, to = to, f = dates.days(from),
			    t = dates.days(to) }
		end
	end
	table.sort(list, function(a, b)
		if a.f ~= b.f then
			return a.f < b.f
		end
		return a.t < b.t
	end)
	local out, cur = {}, nil
	for _, iv in ipairs(list) do
		if cur and iv.f <= cur.t + 1 then
			if iv.t > cur.t then
				cur.t, cur.to = iv.t, iv.to
			end
		else
			cur = { from = iv.from, to = iv.to, f = iv.f, t = iv.t }
			out[#out + 1] = cur
		end
	end
	for i, iv in ipairs(out) do
		out[i] = { from = iv.from, to = iv.to }
	end
	return out
end

-- gaps(intervals, from, to, min_days, today) -> list of { from, to, days }:
-- the spans inside [from, to] that no interval covers and that are longer
-- than min_days days.
function M.gaps(intervals, from, to, min_days, today)
	min_days = min_days or 0
	local lo, hi = dates.days(from), dates.days(to)
	local out = {}
	local cursor = lo
	local function gap(a, b)
		local n = b - a + 1
		if n > min_days then
			out[#out + 1] = { from = dates.from_days(a),
			    to = dates.from_days(b), days = n }
		end
	end
	for _, iv in ipairs(M.merge(intervals, today or to)) do
		local f, t = dates.days(iv.from), dates.days(iv.to)
		if f > hi then
			break
		end
		if t >= cursor then
			if f > cursor then
				gap(cursor, f - 1)
			end
			cursor = t + 1
		end
	end
	if cursor <= hi then
		gap(cursor, hi)
	end
	return out
end

local function member(list, v)
	for _, x in ipairs(list or {}) do
		if x == v then
			return true
		end
	end
	return false
end

-- abroad(residences, home_countries, dob, min_age, min_months, today)
-- -> list of { country, from, to, months }: each period spent outside the
-- home countries (consecutive or overlapping records of one country count
-- as one period), counted from the birthday of min_age, lasting at least
-- min_months whole months.
function M.abroad(residences, home_countries, dob, min_age, min_months, today)
	min_age = min_age or 16
	min_months = min_months or 6
	local start
	if dates.valid(dob) then
		start = dates.add_years(dob, min_age)
	end
	local by_country, order = {}, {}
	for _, r in ipairs(residences or {}) do
		local country = type(r) == "table" and present(r.country)
		if type(country) == "string" and not member(home_countries, country) then
			local from, to = concrete(r, today)
			if from and start and dates.compare(from, start) < 0 then
				from = start
			end
			if from and dates.compare(to, from) >= 0 then
				if not by_country[country] then
					by_country[country] = {}
					order[#order + 1] = country
				end
				local l = by_country[country]
				l[#l + 1] = { from = from, to = to }
			end
		end
	end
	local out = {}
	for _, country in ipairs(order) do
		for _, iv in ipairs(M.merge(by_country[country], today)) do
			local months = dates.months_between(iv.from,
			    dates.add_days(iv.to, 1))
			if months >= min_months then
				out[#out + 1] = { country = country, from = iv.from,
				    to = iv.to, months = months }
			end
		end
	end
	return out
end

return M
