-- workflow: the life of a clearance case in the default policy set, from the
-- applicant's draft to an issued clearance, a denial or a withdrawal. The
-- applicant fills in and submits the application; screening verifies it and
-- either returns it for what is missing (REGDOC 4.4) or moves it on to a
-- security interview or to adjudication; the CSO can hold a file (for
-- example on a NOA - brief, REGDOC 5.2.6), release it, or withdraw it; the
-- adjudicator fills the worksheet and, before anything adverse, puts the
-- concerns to the applicant (procedural fairness) and waits for the answer;
-- the authority decides (REGDOC 5.3.6); a granted applicant acknowledges the
-- security briefing in writing before the clearance is issued (REGDOC 5.6).
-- The guards use the same completeness and interview rules as the policy
-- (rules.lua), so the workflow refuses exactly what requirements() reports.

local wf = require("workflow")
local rules = require("rules")

-- A JSON null from vetd counts as an empty list.
local function list(x)
	if type(x) == "table" then
		return x
	end
	return {}
end

local function first_of(errors)
	local more = #errors > 1 and (" (and " .. (#errors - 1) .. " more)") or ""
	return errors[1].message .. more
end

local guards = {}

-- The applicant's part is complete: everything except what the office
-- itself completes during screening (consent parts A, D, E; credit check).
function guards.applicant_complete(case, ctx)
	local errors = rules.errors(case, ctx, true)
	if #errors > 0 then
		return false, first_of(errors)
	end
	return true
end

-- The file is complete: requirements() reports no error.
function guards.complete(case, ctx)
	local errors = rules.errors(case, ctx, false)
	if #errors > 0 then
		return false, first_of(errors)
	end
	return true
end

-- Complete, and no security interview is outstanding (REGDOC 5.3.2).
function guards.ready_for_adjudication(case, ctx)
	local ok, why = guards.complete(case, ctx)
	if not ok then
		return false, why
	end
	local t = rules.interview_triggers(case, ctx)
	if t.needed then
		return false, "A security interview is needed first: " .. t.reasons[1].message
	end
	return true
end

-- The interview has been recorded, with two interviewers when the risk is
-- elevated (REGDOC 5.3.2). A refusal is recorded too; it goes to
-- adjudication as B2.
function guards.interview_recorded(case, ctx)
	local t = rules.interview_triggers(case, ctx)
	local need = t.two_interviewers and 2 or 1
	for _, i in ipairs(list(case.interviews)) do
		local who = list(i.interviewers)
		if i.outcome == "refused" or (i.outcome == "completed" and #who >= need) then
			return true
		end
	end
	return false, "No interview is recorded" .. (need == 2 and " with two "
	    .. "interviewers, as the risk is elevated" or "") .. "."
end

local OPEN = { "submitted", "screening", "returned", "on_hold", "interview",
    "adjudication", "fairness", "decision" }

return wf.define {
	initial = "draft",
	states = { "draft", "submitted", "screening", "returned", "on_hold",
	    "interview", "adjudication", "fairness", "decision", "briefing",
	    "issued", "denied", "withdrawn" },
	guards = guards,
	transitions = {
		-- the applicant
		{ name = "submit", from = { "draft", "returned" }, to = "submitted",
		  roles = { "applicant" }, guard = "applicant_complete" },
		-- screening (REGDOC 4.3, 4.4, 5.2)
		{ name = "start_screening", from = "submitted", to = "screening",
		  roles = { "screening", "cso" } },
		{ name = "return_to_applicant", from = { "submitted", "screening" },
		  to = "returned", roles = { "screening", "cso" } },
		{ name = "to_interview", from = "screening", to = "interview",
		  roles = { "screening", "cso" }, guard = "complete" },
		{ name = "to_adjudication", from = "screening", to = "adjudication",
		  roles = { "screening", "cso" }, guard = "ready_for_adjudication" },
		-- the security interview (REGDOC 5.3)
		{ name = "interview_done", from = "interview", to = "adjudication",
		  roles = { "interviewer" }, guard = "interview_recorded" },
		{ name = "request_interview", from = "adjudication", to = "interview",
		  roles = { "adjudicator" } },
		-- holds (REGDOC 5.2.6) and withdrawal: the CSO
		{ name = "hold", from = { "submitted", "screening", "interview",
		  "adjudication", "fairness", "decision" }, to = "on_hold",
		  roles = { "cso" } },
		{ name = "release", from = "on_hold", to = "screening", roles = { "cso" } },
		{ name = "release_to_adjudication", from = "on_hold", to = "adjudication",
		  roles = { "cso" }, guard = "complete" },
		{ name = "withdraw", from = OPEN, to = "withdrawn", roles = { "cso" } },
		-- adjudication and procedural fairness
		{ name = "send_concerns", from = "adjudication", to = "fairness",
		  roles = { "adjudicator" } },
		{ name = "response_received", from = "fairness", to = "adjudication",
		  roles = { "applicant", "adjudicator" } },
		{ name = "recommend", from = "adjudication", to = "decision",
		  roles = { "adjudicator" }, guard = "complete" },
		-- the decision (REGDOC 5.3.6, 5.4, 5.4.4)
		{ name = "refer_back", from = "decision", to = "adjudication",
		  roles = { "authority" } },
		{ name = "grant", from = "decision", to = "briefing",
		  roles = { "authority" } },
		{ name = "deny", from = "decision", to = "denied",
		  roles = { "authority" } },
		-- the briefing and its written acknowledgement (REGDOC 5.6)
		{ name = "acknowledge_briefing", from = "briefing", to = "issued",
		  roles = { "applicant" } },
	},
}
