-- guidelines: the catalog of the NZSIS adjudicative guidelines A-G (reference
-- 002), for worksheets, policies and explanations. Every numbered item keeps
-- the number it has in the reference (A1 ... G11) and its kind, taken from
-- the heading it sits under in that guideline: "concern" (the statement of
-- concern), "disqualifying" (conditions that may count against the
-- candidate) or "mitigating" (conditions that may answer them). Titles
-- are short paraphrases for people who have the reference at hand; they are
-- not the reference's words. Two items are protections rather than grounds
-- against anyone and carry protective = true: B4 (sexual orientation or
-- preference is never a factor) and G6 (having gone to a counsellor about
-- mental health is never, by itself, held against a candidate). Also here:
-- the conduct factors of the whole-person assessment, the seven patterns
-- that bar a recommendation when current or recurring, the five factors
-- weighed for someone who already holds a clearance, and the grounds that
-- may never be used against a candidate (NZSIS legal aspects).

local M = {}

M.guidelines = {
	A = { id = "A", title = "External loyalties, influences and associations" },
	B = { id = "B", title = "Personal relationships and conduct" },
	C = { id = "C", title = "Financial considerations" },
	D = { id = "D", title = "Alcohol and drug use" },
	E = { id = "E", title = "Criminal history and conduct" },
	F = { id = "F", title = "Security attitudes and violations" },
	G = { id = "G", title = "Mental health disorders" },
}

M.letters = { "A", "B", "C", "D", "E", "F", "G" }

local C, D, MI = "concern", "disqualifying", "mitigating"

-- { id, kind, title [, protective] } in document order.
local LIST = {
	-- Guideline A: external loyalties, influences and associations
	{ "A1", C, "Undivided loyalty to New Zealand and readiness to protect its classified material" },
	{ "A2", C, "Commitment to democracy and respect for how elected government works" },
	{ "A3", C, "Behaviour that puts another country ahead of New Zealand" },
	{ "A4", C, "Outside work or activities that conflict with security duties" },
	{ "A5", C, "Non-citizen family, cohabitants or close ties that open the door to foreign influence or duress" },
	{ "A6", D, "Taking part in, supporting, training for or advocating espionage, sabotage, terrorism, treason, political violence, attacks on defence systems or foreign interference" },
	{ "A7", D, "Association with, or sympathy for, people committing or attempting the acts in A6" },
	{ "A8", D, "Association with, or sympathy for, people or groups using force or unlawful means against the government, officials or the rights of others" },
	{ "A9", D, "A foreign contact that creates an unacceptably high risk of exploitation or coercion" },
	{ "A10", D, "Foreign connections that set protecting information against a wish to help a foreign party" },
	{ "A11", D, "Sharing a home with someone who raises the risk of inducement or coercion" },
	{ "A12", D, "Significant business, money or property interests abroad that could be used for influence" },
	{ "A13", D, "Failing to declare a foreign-citizen association that had to be declared" },
	{ "A14", D, "Unauthorised or hidden association with a known or suspected foreign intelligence officer or agent" },
	{ "A15", D, "Signs that foreign parties are working to make the candidate easier to exploit" },
	{ "A16", D, "Conduct, especially abroad, that leaves the candidate open to foreign pressure" },
	{ "A17", D, "Exercising a foreign citizenship's rights or duties after naturalising in New Zealand (passport, military service, benefits, office, voting)" },
	{ "A18", D, "Taking steps to gain a foreign citizenship or have one recognised" },
	{ "A19", D, "Serving a foreign party's aims against New Zealand's national interest" },
	{ "A20", D, "Statements or acts of allegiance to another country, such as renouncing citizenship" },
	{ "A21", D, "Paid or voluntary service for a foreign government or entity, or for bodies dealing in intelligence or defence material; an outside activity not reported" },
	{ "A22", D, "Continuing voluntary association with extremist people or groups" },
	{ "A23", MI, "Did not know of the unlawful aims and cut ties on learning of them" },
	{ "A24", MI, "Involvement limited to the lawful or humanitarian side of an organisation of the kind in A8" },
	{ "A25", MI, "Brief involvement out of curiosity or academic interest" },
	{ "A26", MI, "Unusual circumstances or long ago; unlikely to recur and no doubt about loyalty now" },
	{ "A27", MI, "The nature of the foreign ties makes a forced choice of loyalties unlikely" },
	{ "A28", MI, "No conflict of interest: foreign obligation minimal or loyalties here deep and longstanding" },
	{ "A29", MI, "Foreign contact is casual and infrequent" },
	{ "A30", MI, "Foreign contacts are on government business or approved by the security officer" },
	{ "A31", MI, "Reported foreign contacts, requests or threats promptly as required" },
	{ "A32", MI, "Foreign interests too small or routine to be used for pressure" },
	{ "A33", MI, "Dual citizenship held for reasons that raise no concern (birth, parents, marriage, travel)" },
	{ "A34", MI, "Can say clearly that New Zealand comes first in their loyalty" },
	{ "A35", MI, "Foreign citizenship used only before naturalisation or as a minor" },
	{ "A36", MI, "The security officer approved using the foreign passport" },
	{ "A37", MI, "Foreign passport destroyed, surrendered or invalidated" },
	{ "A38", MI, "Took part in a foreign vote at the government's encouragement" },
	-- Guideline B: personal relationships and conduct
	{ "B1", C, "Poor judgment, dishonesty or unwillingness to follow rules" },
	{ "B2", C, "Not answering truthfully or not cooperating with vetting; normally leads to an adverse recommendation" },
	{ "B3", C, "Sexual conduct that is criminal, signals a disorder, shows grossly poor judgment, or invites coercion" },
	{ "B4", C, "Sexual orientation or preference is never a basis for assessment", true },
	{ "B5", D, "Knowingly leaving out, hiding or falsifying facts on vetting forms or to vetting staff" },
	{ "B6", D, "Believable adverse information across several areas, none enough alone, that together raises doubt" },
	{ "B7", D, "Believable adverse information outside the other guidelines that, with everything else, raises doubt" },
	{ "B8", D, "Criminal sexual behaviour, prosecuted or not" },
	{ "B9", D, "Sexual behaviour that is compulsive, self-harming or risky and that the person cannot stop" },
	{ "B10", D, "Sexual behaviour that leaves the candidate open to coercion or duress" },
	{ "B11", D, "Conduct, or hiding it, that could be used to exploit the candidate, including acts abroad" },
	{ "B12", D, "Breaking a written undertaking that was a condition of the job" },
	{ "B13", D, "Association with people involved in crime" },
	{ "B14", MI, "Happened before or during adolescence with nothing similar since" },
	{ "B15", MI, "The behaviour can no longer be used for coercion or influence" },
	{ "B16", MI, "Corrected the omission or falsehood promptly, in good faith, before being confronted" },
	{ "B17", MI, "The failure came from poor advice by officials or lawyers; cooperated fully once told" },
	{ "B18", MI, "Minor, long ago, infrequent or unique; unlikely to recur" },
	{ "B19", MI, "Acknowledged the behaviour and took effective steps such as counselling" },
	{ "B20", MI, "Has taken steps to reduce or remove the vulnerability" },
	{ "B21", MI, "The information is unsubstantiated or from an unreliable source" },
	{ "B22", MI, "Association with people involved in crime has ended or raises no doubt" },
	-- Guideline C: financial considerations
	{ "C1", C, "Not living within means or meeting financial obligations" },
	{ "C2", C, "Financial overextension raises the risk of illegal acts for money" },
	{ "C3", C, "Not paying debts when able to" },
	{ "C4", C, "Affluence that known income does not explain" },
	{ "C5", D, "Unable or unwilling to pay debts" },
	{ "C6", D, "Debt from frivolous spending with no intent or plan to repay" },
	{ "C7", D, "A history of unmet obligations: bankruptcy, No Asset Procedure, defaults, collection notices" },
	{ "C8", D, "Dishonest or unlawful dealings with money, such as embezzlement, theft, fraud or tax evasion" },
	{ "C9", D, "Living beyond one's means as a habit" },
	{ "C10", D, "Financial problems tied to addiction, compulsion or instability" },
	{ "C11", D, "Repeatedly not meeting tax obligations" },
	{ "C12", D, "Unexplained affluence" },
	{ "C13", D, "Compulsive or addictive gambling" },
	{ "C14", MI, "Long ago, infrequent or unusual; unlikely to recur" },
	{ "C15", MI, "Caused mainly by events beyond the candidate's control, who then acted responsibly" },
	{ "C16", MI, "Counselling received, or the problem is being fixed or is under control" },
	{ "C17", MI, "Honest attempts to pay back creditors or settle the debts" },
	{ "C18", MI, "A reasonable, documented dispute of the debt" },
	{ "C19", MI, "The affluence comes from a legal source" },
	-- Guideline D: alcohol and drug use
	{ "D1", C, "Excessive drinking impairs judgment, reliability and discretion" },
	{ "D2", C, "Illegal drug use or prescription misuse questions trust and invites pressure" },
	{ "D3", C, "What counts as a drug (definition)" },
	{ "D4", C, "What counts as drug abuse (definition)" },
	{ "D5", D, "Incidents involving alcohol outside work" },
	{ "D6", D, "Incidents involving alcohol at work" },
	{ "D7", D, "Regular or binge drinking that impairs judgment" },
	{ "D8", D, "A qualified medical professional has diagnosed misuse of, or dependence on, alcohol or drugs" },
	{ "D9", D, "Abuse or dependence identified by a treatment programme's clinical social worker" },
	{ "D10", D, "Relapse after diagnosis and completed rehabilitation" },
	{ "D11", D, "Criminal charges involving alcohol or drug misuse or possession" },
	{ "D12", D, "Not following a court order on alcohol or drug education, treatment or abstinence" },
	{ "D13", D, "Any drug abuse" },
	{ "D14", D, "A positive test for illegal drug use" },
	{ "D15", D, "Illegal drug possession, cultivation, manufacture, purchase, sale or paraphernalia" },
	{ "D16", D, "Intends to keep using drugs, or no clear commitment to stop" },
	{ "D17", MI, "Long ago, infrequent or unusual; unlikely to recur" },
	{ "D18", MI, "In alcohol treatment with no earlier relapse, and progressing well" },
	{ "D19", MI, "Acknowledged an alcohol problem, completed treatment, changed habits, favourable prognosis" },
	{ "D20", MI, "Shows intent not to abuse drugs again (new company and setting, abstinence, signed statement)" },
	{ "D21", MI, "Prescription misuse followed a serious illness and has ended" },
	{ "D22", MI, "Completed drug treatment without relapse, favourable prognosis" },
	-- Guideline E: criminal history and conduct
	{ "E1", C, "Criminal conduct questions judgment, reliability and honesty" },
	{ "E2", D, "An offence, a string of minor offences, or a conviction by a national, foreign or military court" },
	{ "E3", D, "Dismissal from the Defence Force or Police for misconduct" },
	{ "E4", D, "A credible allegation or an admission of criminal conduct, charged or not" },
	{ "E5", D, "Now serving parole or probation" },
	{ "E6", D, "Breaching parole or probation, or not completing court-ordered rehabilitation" },
	{ "E7", D, "Voluntary association with criminals" },
	{ "E8", MI, "Long ago or unusual circumstances; unlikely to recur" },
	{ "E9", MI, "Acted under pressure or coercion that is no longer present" },
	{ "E10", MI, "Persuasive evidence of innocence, or the conviction was overturned" },
	{ "E11", MI, "Evidence of successful rehabilitation" },
	{ "E12", MI, "The offending was minor or regulatory, of no security concern" },
	-- Guideline F: security attitudes and violations
	{ "F1", C, "Not following the rules that protect classified or sensitive information, on ICT systems too" },
	{ "F2", C, "What counts as an ICT system (definition)" },
	{ "F3", D, "Getting at official or personal information without authority, and using it" },
	{ "F4", D, "Deliberate disregard of information-handling procedures" },
	{ "F5", D, "Copying information so as to hide or remove its protective markings" },
	{ "F6", D, "Looking at or downloading secure-system material beyond need-to-know" },
	{ "F7", D, "Any failure to follow the rules protecting classified or sensitive information" },
	{ "F8", D, "Lax security habits that continue after counselling by management" },
	{ "F9", D, "A rule breach, deliberate or not, that damaged national security" },
	{ "F10", D, "Illegal or unauthorised access to ICT: entry, modification, destruction, denial of access" },
	{ "F11", D, "Using an ICT system to get into another system or a compartment without authority" },
	{ "F12", D, "Putting protectively marked information on unauthorised software, hardware or systems" },
	{ "F13", D, "Using a government or other ICT system without authority" },
	{ "F14", D, "Bringing in, taking out or copying hardware, software or media without authority" },
	{ "F15", D, "ICT misuse, deliberate or not, that damaged national security" },
	{ "F16", MI, "Long ago, infrequent or unusual; unlikely to recur" },
	{ "F17", MI, "Responded well to counselling or remedial training; now takes security seriously" },
	{ "F18", MI, "The violations came from poor or inadequate training" },
	{ "F19", MI, "Minor misuse in a genuine emergency with no timely alternative" },
	{ "F20", MI, "Unintentional, followed by prompt correction and a report to a supervisor" },
	-- Guideline G: mental health disorders
	{ "G1", C, "Some emotional, mental or personality conditions may affect judgment; a diagnosis is not required" },
	{ "G2", C, "An approved mental health professional should be consulted" },
	{ "G3", D, "Behaviour casting doubt on judgment not covered elsewhere (unstable, violent, paranoid, bizarre)" },
	{ "G4", D, "A qualified professional's opinion of a condition that may impair judgment" },
	{ "G5", D, "Not following treatment advice for a diagnosed condition" },
	{ "G6", D, "Having gone to a counsellor about mental health is never, by itself, held against the candidate", true },
	{ "G7", MI, "Condition controllable with treatment, and treatment followed consistently" },
	{ "G8", MI, "Voluntarily in counselling or treatment, with a good prognosis" },
	{ "G9", MI, "Recent approved professional opinion: controlled or in remission, little risk of return" },
	{ "G10", MI, "Past instability was temporary, its cause is resolved, and no signs remain" },
	{ "G11", MI, "No sign of a current problem" },
}

M.items = {}
M.order = {}
local by_letter = {}
for i, row in ipairs(LIST) do
	local id = row[1]
	local letter = id:sub(1, 1)
	local item = { id = id, guideline = letter, kind = row[2], title = row[3],
	    number = tonumber(id:sub(2)), protective = row[4] or nil }
	M.items[id] = item
	M.order[i] = id
	by_letter[letter] = by_letter[letter] or {}
	local l = by_letter[letter]
	l[#l + 1] = item
end

-- The protections: items that may never count against a candidate.
M.protective = { "B4", "G6" }

-- The conduct factors (NZSIS, evaluating the relevance of conduct): the
-- keys of worksheet.conduct, with the values each may take (nil: free text).
M.conduct_factors = {
	{ id = "seriousness", title = "How serious the conduct was, its nature and extent",
	  values = { "low", "moderate", "high" } },
	{ id = "participation", title = "Circumstances, and how willing and knowing the participation was",
	  values = { "unwitting", "knowing" } },
	{ id = "frequency", title = "How often the conduct happened",
	  values = { "isolated", "repeated" } },
	{ id = "recency", title = "How recent the conduct is",
	  values = { "old", "recent", "current" } },
	{ id = "age_maturity", title = "How old and how mature the candidate was then",
	  values = { "young", "adult" } },
	{ id = "rehabilitation", title = "Rehabilitation and other changes in behaviour",
	  values = { "none", "partial", "full" } },
	{ id = "motivation", title = "What motivated the conduct" },
	{ id = "coercion", title = "How exposed the candidate is to pressure or coercion",
	  values = { "low", "moderate", "high" } },
	{ id = "recurrence", title = "Likelihood that it continues or happens again",
	  values = { "unlikely", "possible", "likely" } },
}

-- Current or recurring patterns that bar a recommendation (NZSIS
-- assessment criteria), even when no single aspect would.
M.patterns = {
	{ id = "questionable_judgment", title = "Questionable judgment" },
	{ id = "dishonesty", title = "Dishonesty" },
	{ id = "immaturity", title = "Immaturity" },
	{ id = "untrustworthiness", title = "Untrustworthiness" },
	{ id = "irresponsibility", title = "Irresponsibility" },
	{ id = "vulnerability", title = "Being open to influence or coercion" },
	{ id = "emotional_instability", title = "Emotionally unstable behaviour" },
}

-- Factors weighed for a person who already holds a clearance when
-- information of concern comes to light (NZSIS assessment criteria).
M.holder_factors = {
	{ id = "reported_voluntarily", title = "Reported the information of their own accord" },
	{ id = "truthful", title = "Answered questions truthfully and completely" },
	{ id = "sought_help", title = "Sought help and followed professional advice where appropriate" },
	{ id = "resolved", title = "Has resolved the concern, or is likely to" },
	{ id = "positive_change", title = "Shows positive change in behaviour and at work" },
}

-- Grounds that may never be used against a candidate (NZSIS legal aspects;
-- age is also protected except as the law allows for high levels, which is
-- why the case keeps a date of birth).
M.protected_grounds = { "gender", "sexual_orientation", "ethnicity",
    "physical_disability", "marital_status" }

function M.kind(id)
	local item = type(id) == "string" and M.items[id]
	return item and item.kind or nil
end

function M.is(id, kind)
	return M.kind(id) == kind
end

-- of(letter) -> the items of one guideline, in document order.
function M.of(letter)
	local out = {}
	for i, item in ipairs(by_letter[letter] or {}) do
		out[i] = item
	end
	return out
end

return M
