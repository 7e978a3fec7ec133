-- incidents: the default life of a security incident report, from the
-- report to its closing. vetd uses this workflow for every policy set that
-- has no incidents.lua of its own (a set's own file, the most specific one,
-- takes its place). It follows the Contract Security Program's page on
-- reporting (reference 000):
--
--   * an incident goes to the CSO (or ACSO), who makes a preliminary
--     inquiry, keeps a written record of it and reports the incident to the
--     program: start_inquiry, then report_to_authority once the record is
--     final and the report has gone out;
--   * a breach, an incident that did compromise information or assets, is
--     handled in three steps: it is reported at once, the cause is
--     investigated, and corrective measures and controls are put in place
--     so that a similar incident is less likely: report_to_authority,
--     investigate, to_measures, then close when every measure is settled;
--   * any other report (an incident that compromised nothing, a security
--     contact, a change of circumstances or of behaviour) closes once it
--     has been reported.
--
-- Only the CSO handles a report. Besides the incident as the API shows it,
-- the table a guard is given carries what vetd works out from the record:
-- inquiry_final (a final entry of the inquiry record exists), report_sent
-- (the report to the authority is marked sent), cause_recorded (the cause
-- of a breach is recorded) and measures_open (the corrective measures
-- neither done nor waived). Whatever this file says, vetd itself never
-- closes a breach while a measure is open.

local wf = require("workflow")

local type = type

-- A JSON null from vetd counts as an absent field.
local function v(x)
	if x == null then
		return nil
	end
	return x
end

local function is_breach(incident)
	return v(incident.type) == "security_breach"
end

local guards = {}

-- The preliminary inquiry's written record is final and the report to the
-- authority has been sent (000: the CSO inquires, records, then reports).
function guards.inquiry_done_and_sent(incident, ctx)
	local final = v(incident.inquiry_final) == true
	local sent = v(incident.report_sent) == true
	if not final and not sent then
		return false, "The preliminary inquiry's record is not final and "
		    .. "the report to the authority has not been sent."
	elseif not final then
		return false, "The preliminary inquiry's record is not final yet: "
		    .. "record a final entry first."
	elseif not sent then
		return false, "The report to the authority has not been marked "
		    .. "as sent."
	end
	return true
end

-- Only a breach is investigated for its cause (000, the second breach step).
function guards.is_breach(incident, ctx)
	if is_breach(incident) then
		return true
	end
	return false, "Only a security breach is investigated for its cause; "
	    .. "this report can be closed."
end

-- A report that is not a breach is done once it has been reported.
function guards.not_breach(incident, ctx)
	if not is_breach(incident) then
		return true
	end
	return false, "A security breach is not closed once reported: its cause "
	    .. "must be investigated and corrective measures taken first."
end

-- The cause of the breach is on record (000, the second breach step).
function guards.cause_recorded(incident, ctx)
	if v(incident.cause_recorded) == true then
		return true
	end
	return false, "The cause of the breach has not been recorded yet."
end

-- Every corrective measure is done or waived (000, the third breach step).
function guards.measures_settled(incident, ctx)
	local open = v(incident.measures_open)
	if type(open) ~= "number" then
		return false, "The number of open corrective measures is unknown."
	end
	if open == 0 then
		return true
	end
	return false, open == 1 and "One corrective measure is still open "
	    .. "(neither done nor waived)." or (string.format("%d", open)
	    .. " corrective measures are still open (neither done nor waived).")
end

-- Not a tail call: a mistake in the declaration is then reported at the
-- line below, not inside workflow.lua.
local incidents = wf.define {
	initial = "reported",
	states = { "reported", "preliminary_inquiry", "reported_to_authority",
	    "investigation", "corrective_measures", "closed" },
	guards = guards,
	transitions = {
		-- the CSO's preliminary inquiry, with its written record (000)
		{ name = "start_inquiry", from = "reported",
		  to = "preliminary_inquiry", roles = { "cso" } },
		-- the report to the authority: at once for a breach (000, step 1)
		{ name = "report_to_authority", from = "preliminary_inquiry",
		  to = "reported_to_authority", roles = { "cso" },
		  guard = "inquiry_done_and_sent" },
		-- a breach: find the cause (000, step 2) ...
		{ name = "investigate", from = "reported_to_authority",
		  to = "investigation", roles = { "cso" }, guard = "is_breach" },
		-- ... then correct and put controls in place (000, step 3)
		{ name = "to_measures", from = "investigation",
		  to = "corrective_measures", roles = { "cso" },
		  guard = "cause_recorded" },
		-- closing: any other report once reported; a breach once every
		-- measure is done or waived
		{ name = "close", from = "reported_to_authority", to = "closed",
		  roles = { "cso" }, guard = "not_breach" },
		{ name = "close", from = "corrective_measures", to = "closed",
		  roles = { "cso" }, guard = "measures_settled" },
	},
}

return incidents
