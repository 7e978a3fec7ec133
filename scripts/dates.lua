-- dates: calendar arithmetic on "YYYY-MM-DD" strings, for every policy.
-- Policies never read the clock: vetd passes ctx.today, and every question
-- about time (how old, how long ago, how long a gap) is answered here from
-- plain date strings. Days are counted in the proleptic Gregorian calendar;
-- adding months or years clamps the day to the end of the target month, so
-- one year after 29 February is 28 February. A value that is not a valid
-- date (including the JSON null vetd passes for an empty field) makes
-- parse() and valid() answer no, and makes the arithmetic raise an error
-- naming the bad value.

local M = {}

local DAYS_IN = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

local function leap(y)
	return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
end

local function month_length(y, m)
	if m == 2 and leap(y) then
		return 29
	end
	return DAYS_IN[m]
end

-- Dates already parsed, "YYYY-MM-DD" -> { y, m, d }: a policy asks about
-- the same few dates many times in one call (and the same state serves many
-- calls), so each valid date is read once. Only valid dates are kept, and
-- the memo is emptied when it grows past MEMO_MAX entries, so it stays small.
local MEMO_MAX = 4096
local memo, memo_size = {}, 0

-- parse(s) -> y, m, d, or nil and the reason.
function M.parse(s)
	local hit = memo[s]
	if hit then
		return hit[1], hit[2], hit[3]
	end
	if type(s) ~= "string" then
		return nil, "not a date (expected YYYY-MM-DD)"
	end
	local ys, ms, ds = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
	if not ys then
		return nil, "'" .. s .. "' is not a date in the form YYYY-MM-DD"
	end
	local y, m, d = tonumber(ys), tonumber(ms), tonumber(ds)
	if m < 1 or m > 12 then
		return nil, "'" .. s .. "' has no month " .. ms
	end
	if d < 1 or d > month_length(y, m) then
		return nil, "'" .. s .. "' has no day " .. ds .. " in that month"
	end
	if memo_size >= MEMO_MAX then
		memo, memo_size = {}, 0
	end
	memo[s] = { y, m, d }
	memo_size = memo_size + 1
	return y, m, d
end

function M.valid(s)
	return (M.parse(s)) ~= nil
end

local function must(s, fn)
	local y, m, d = M.parse(s)
	if not y then
		error("dates." .. fn .. ": " .. m, 3)
	end
	return y, m, d
end

-- Days from civil date (H. Hinnant's algorithm), 1970-01-01 is day 0.
local function to_days(y, m, d)
	if m <= 2 then
		y = y - 1
	end
	local era = y // 400
	local yoe = y - era * 400
	local mp = (m + 9) % 12
	local doy = (153 * mp + 2) // 5 + d - 1
	local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
	return era * 146097 + doe - 719468
end

local function fmt(y, m, d)
	return string.format("%04d-%02d-%02d", y, m, d)
end

function M.days(s)
	return to_days(must(s, "days"))
end

function M.from_days(n)
	if math.type(n) ~= "integer" then
		if type(n) == "number" and n == math.floor(n) then
			n = math.tointeger(n)
		else
			error("dates.from_days: expected a whole number of days", 2)
		end
	end
	local z = n + 719468
	local era = z // 146097
	local doe = z - era * 146097
	local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
	local y = yoe + era * 400
	local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
	local mp = (5 * doy + 2) // 153
	local d = doy - (153 * mp + 2) // 5 + 1
	local m = mp < 10 and mp + 3 or mp - 9
	if m <= 2 then
		y = y + 1
	end
	return fmt(y, m, d)
end

function M.add_days(s, n)
	return M.from_days(to_days(must(s, "add_days")) + n)
end

local function add_months(y, m, d, n)
	local total = y * 12 + (m - 1) + n
	local ny, nm = total // 12, total % 12 + 1
	local nd = math.min(d, month_length(ny, nm))
	return fmt(ny, nm, nd)
end

function M.add_months(s, n)
	local y, m, d = must(s, "add_months")
	return add_months(y, m, d, n)
end

function M.add_years(s, n)
	local y, m, d = must(s, "add_years")
	return add_months(y, m, d, 12 * n)
end

-- diff_days(a, b): days from a to b (positive when b is later).
function M.diff_days(a, b)
	return to_days(must(b, "diff_days")) - to_days(must(a, "diff_days"))
end

-- months_between(a, b): the largest whole number of months k such that
-- adding k months to a does not pass b (negative when b is earlier).
function M.months_between(a, b)
	local ya, ma, da = must(a, "months_between")
	local yb, mb, db = must(b, "months_between")
	local k = (yb - ya) * 12 + (mb - ma)
	local target = to_days(yb, mb, db)
	local function at(n)
		return to_days(must(add_months(ya, ma, da, n), "months_between"))
	end
	if k >= 0 then
		while k > 0 and at(k) > target do
			k = k - 1
		end
	else
		while k < 0 and at(k) < target do
			k = k + 1
		end
	end
	return k
end

-- age(dob, on): whole years of age on the given day.
function M.age(dob, on)
	local k = M.months_between(dob, on)
	if k >= 0 then
		return k // 12
	end
	return -((-k) // 12)
end

function M.compare(a, b)
	local x, y = M.days(a), M.days(b)
	if x < y then
		return -1
	elseif x > y then
		return 1
	end
	return 0
end

function M.min(a, b)
	if M.compare(a, b) <= 0 then
		return a
	end
	return b
end

function M.max(a, b)
	if M.compare(a, b) >= 0 then
		return a
	end
	return b
end

return M
