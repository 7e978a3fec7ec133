-- workflow: declaring a case workflow. A workflow is a table of states, the
-- state a new case starts in, and the transitions between states, each
-- naming the roles that may take it and, optionally, a guard: the name of a
-- function in the workflow's `guards` table, called as guard(case, ctx),
-- that answers true, or false and the reason the move is refused. vetd
-- enforces the declaration: a move that is not declared, not open to the
-- user's role, or whose guard says no is refused with the reason. define()
-- checks a declaration once, when the policy set is loaded, so a typo in a
-- state or role name stops the set from going live instead of surfacing
-- later in the middle of a case.

local M = {}

-- The roles vetd knows (DESIGN, "Who uses it").
M.roles = { "applicant", "screening", "interviewer", "adjudicator",
    "authority", "cso", "appeals", "auditor", "admin" }

local ROLE = {}
for _, r in ipairs(M.roles) do
	ROLE[r] = true
end

local function fail(msg)
	error("workflow: " .. msg, 3)
end

local function as_list(v)
	if type(v) == "string" then
		return { v }
	end
	return v
end

-- define(decl) -> decl, after checking that: states are unique names,
-- initial is one of them, every transition has a name, from-states and a
-- to-state that are declared states, at least one role and only vetd roles,
-- and a guard (if any) that names a function of decl.guards. Names of
-- transitions are unique per from-state.
function M.define(decl)
	if type(decl) ~= "table" then
		fail("define expects a table")
	end
	if type(decl.states) ~= "table" or #decl.states == 0 then
		fail("states must be a non-empty list of state names")
	end
	local state = {}
	for i, s in ipairs(decl.states) do
		if type(s) ~= "string" or not s:match("^[a-z][a-z0-9_]*$") then
			fail("states[" .. i .. "] must be a lower-case name")
		end
		if state[s] then
			fail("state '" .. s .. "' is declared twice")
		end
		state[s] = true
	end
	if type(decl.initial) ~= "string" or not state[decl.initial] then
		fail("initial state '" .. tostring(decl.initial)
		    .. "' is not one of the states")
	end
	local guards = decl.guards or {}
	if type(guards) ~= "table" then
		fail("guards must be a table of functions")
	end
	for name, fn in pairs(guards) do
		if type(name) ~= "string" or type(fn) ~= "function" then
			fail("guards." .. tostring(name) .. " must be a function")
		end
	end
	if type(decl.transitions) ~= "table" or #decl.transitions == 0 then
		fail("transitions must be a non-empty list")
	end
	local seen = {}
	for i, t in ipairs(decl.transitions) do
		local at = "transitions[" .. i .. "]"
		if type(t) ~= "table" then
			fail(at .. " must be a table")
		end
		if type(t.name) ~= "string" or not t.name:match("^[a-z][a-z0-9_]*$") then
			fail(at .. ": name must be a lower-case name")
		end
		at = at .. " (" .. t.name .. ")"
		local from = as_list(t.from)
		if type(from) ~= "table" or #from == 0 then
			fail(at .. ": from must name one or more states")
		end
		for _, s in ipairs(from) do
			if not state[s] then
				fail(at .. ": from-state '" .. tostring(s)
				    .. "' is not declared")
			end
			local key = s .. "/" .. t.name
			if seen[key] then
				fail(at .. ": a transition '" .. t.name .. "' from '" .. s
				    .. "' is declared twice")
			end
			seen[key] = true
		end
		if not state[t.to] then
			fail(at .. ": to-state '" .. tostring(t.to) .. "' is not declared")
		end
		local roles = as_list(t.roles)
		if type(roles) ~= "table" or #roles == 0 then
			fail(at .. ": roles must name at least one role")
		end
		for _, r in ipairs(roles) do
			if not ROLE[r] then
				fail(at .. ": '" .. tostring(r) .. "' is not a vetd role")
			end
		end
		if t.guard ~= nil and (type(t.guard) ~= "string" or
		    type(guards[t.guard]) ~= "function") then
			fail(at .. ": guard '" .. tostring(t.guard)
			    .. "' is not a function in guards")
		end
	end
	return decl
end

-- transitions(decl, state, role) -> the transitions that leave `state` and
-- that `role` may take (role nil: any role).
function M.transitions(decl, state, role)
	local out = {}
	for _, t in ipairs(decl.transitions) do
		local ok = false
		for _, s in ipairs(as_list(t.from)) do
			if s == state then
				ok = true
			end
		end
		if ok and role ~= nil then
			ok = false
			for _, r in ipairs(as_list(t.roles)) do
				if r == role then
					ok = true
				end
			end
		end
		if ok then
			out[#out + 1] = t
		end
	end
	return out
end

return M
