#!/usr/bin/env bash
# Demo cases: fill the quick start's two organizations with clearance cases
# in several states, through the HTTP API only, each step taken by the demo
# user whose job it is (<org>-<role>, password vetd-demo), as the office
# would. acme (the default policy): Jordan Avery's SECRET clearance, issued
# and in the register; Jordan's upgrade to TS, held on the agency's NOA -
# brief; Sam Rivera's SECRET application, submitted and in screening; Riley
# Chen's CV application, a draft the office has half keyed in from the paper
# form (Riley has no account, so no applicant signs in to it). northbridge
# (the northbridge-nuclear example policy): Morgan Tremblay's SASC, issued
# and in the register; Priya Natarajan's SASC application in adjudication
# with the policy's recommendation; Luc Gagnon's draft for Plant A (no
# account). Jordan and Morgan are the persons of acme-applicant and
# northbridge-applicant, Sam and Priya those of the applicant2 users.
# The cases go into a database that has none: run once, after the
# organizations exist (examples/quickstart.sh calls it). It stops at the
# first unexpected answer and prints it; a second run stops before changing
# anything. Needs bash, curl, sed, grep and GNU date.
#
# Usage: examples/demo-cases.sh http://127.0.0.1:8080
set -euo pipefail

PASSWORD=vetd-demo
BASE=""
API=""
WORK=""
RESPONSE=""
declare -A TOKEN=()

say() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die() {
	say "error: $*"
	exit 1
}

usage() {
	printf 'usage: %s BASE_URL   (e.g. http://127.0.0.1:8080)\n' "${0##*/}" >&2
	exit 2
}

# shellcheck disable=SC2317 # called from the trap
cleanup() {
	if [[ -n $WORK && -d $WORK ]]; then
		rm -rf -- "$WORK"
	fi
	return 0
}

# The day years and days from today (UTC), as YYYY-MM-DD; negative numbers
# count back: day -10 0 is ten years ago.
day() {
	date -u -d "$(date -u +%F) $1 years $2 days" +%F
}

# --- requests --------------------------------------------------------------

# request WHO EXPECTED METHOD PATH [BODY]: one API request as WHO (signed
# in with sign_in), which must answer EXPECTED; the answer's body goes to
# RESPONSE. Anything else stops the script with the request and the answer.
request() {
	local who=$1 expected=$2 method=$3 path=$4 body=${5-} status
	local -a args=(-sS -o "$WORK/body" -w '%{http_code}' -X "$method"
		-b "$WORK/$who.jar" -H "X-CSRF-Token: ${TOKEN[$who]}")
	[[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
	status=$(curl "${args[@]}" "$API$path") ||
		die "$method $path as $who: no answer from $BASE"
	RESPONSE=$(cat "$WORK/body")
	if [[ $status != "$expected" ]]; then
		say "error: $method $path as $who answered $status, not $expected"
		[[ -n $body ]] && printf 'request:  %s\n' "$body" >&2
		printf 'response: %s\n' "$RESPONSE" >&2
		exit 1
	fi
}

# The first number under key in RESPONSE, e.g. the case's id in
# {"case":{"id":7,...}}.
response_number() {
	local n
	n=$(grep -o "\"$1\":[0-9]*" <<<"$RESPONSE" | head -n 1 | cut -d: -f2)
	[[ -n $n ]] || die "no \"$1\" in the answer: $RESPONSE"
	printf '%s\n' "$n"
}

# RESPONSE says key is value (a string or a literal such as true).
response_has() {
	local key=$1 value=$2
	[[ $value == true || $value == false ]] || value="\"$value\""
	grep -qF "\"$key\":$value" <<<"$RESPONSE" ||
		die "expected \"$key\":$value in the answer: $RESPONSE"
}

# Sign in as USER; keeps the session cookie and the CSRF token.
sign_in() {
	local user=$1 status
	status=$(curl -sS -o "$WORK/body" -w '%{http_code}' -c "$WORK/$user.jar" \
		-H 'Content-Type: application/json' \
		--data-binary "{\"username\":\"$user\",\"password\":\"$PASSWORD\"}" \
		"$API/session") || die "no answer from $BASE"
	RESPONSE=$(cat "$WORK/body")
	[[ $status == 200 ]] || die "signing in as $user answered $status: $RESPONSE"
	TOKEN[$user]=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$RESPONSE")
	[[ -n ${TOKEN[$user]} ]] || die "no csrf_token in the sign-in answer for $user: $RESPONSE"
}

sign_in_office() {
	local org=$1 role
	for role in cso screening interviewer interviewer2 adjudicator authority \
		applicant applicant2; do
		sign_in "$org-$role"
	done
}

# Refuse to run on an organization that has cases already: the demo adds
# its cases once, to a fresh database.
check_no_cases() {
	local org=$1
	request "$org-cso" 200 GET /cases
	if ! grep -q '"cases":\[\]' <<<"$RESPONSE"; then
		die "organization $org has cases already: the demo cases go into a fresh" \
			"database (run examples/quickstart.sh again); nothing was changed"
	fi
}

check_health() {
	local status
	status=$(curl -sS -o /dev/null -w '%{http_code}' "$API/health") ||
		die "nothing answers at $BASE; start vetd first (examples/quickstart.sh)"
	[[ $status == 200 ]] || die "$API/health answered $status"
}

# --- casework ---------------------------------------------------------------

# new_person CSO JSON: the cso records a person; prints the id.
new_person() {
	request "$1" 201 POST /persons "$2"
	response_number id
}

# open_case CSO PERSON KIND LEVEL [SITE]: prints the new case's id.
open_case() {
	local cso=$1 person=$2 kind=$3 level=$4 site=${5-} extra=""
	[[ -n $site ]] && extra=", \"site\": \"$site\""
	request "$cso" 201 POST /cases \
		"{\"person_id\": $person, \"kind\": \"$kind\", \"level\": \"$level\"$extra}"
	response_has state draft
	response_number id
}

# The cso puts the office's people on the case.
assign_team() {
	local org=$1 case=$2 pair
	for pair in screening:screening interviewer:interviewer interviewer:interviewer2 \
		adjudicator:adjudicator authority:authority; do
		request "$org-cso" 200 POST "/cases/$case/assignments" \
			"{\"role\": \"${pair%%:*}\", \"username\": \"$org-${pair#*:}\"}"
	done
}

# section WHO CASE NAME VERSION DATA: write a section of the file.
section() {
	request "$1" 200 PUT "/cases/$2/sections/$3" "{\"version\": $4, \"data\": $5}"
}

# move WHO CASE TRANSITION STATE: take a workflow step that leads to STATE.
move() {
	request "$1" 200 POST "/cases/$2/transitions" "{\"name\": \"$3\"}"
	response_has state "$4"
}

# A person's record as the cso keeps it; the applicant repeats it in the
# personal section. Arguments: name, date of birth, city, region, country,
# address line, postal code, occupation.
person_data() {
	printf '"name": "%s", "date_of_birth": "%s",' "$1" "$2"
	printf ' "place_of_birth": {"city": "%s", "region": "%s", "country": "%s"},' "$3" "$4" "$5"
	printf ' "citizenships": ["%s"],' "$5"
	printf ' "address": {"line": "%s", "city": "%s", "region": "%s",' "$6" "$3" "$4"
	printf ' "postal_code": "%s", "country": "%s"},' "$7" "$5"
	printf ' "occupation": "%s"' "$8"
}

# The first half of an application: personal data and ten years at one
# address. Arguments: who writes, case, then person_data's arguments.
first_half() {
	local who=$1 case=$2
	shift 2
	section "$who" "$case" personal 0 "{$(person_data "$@")}"
	section "$who" "$case" residences 0 "[{\"from\": \"$(day -10 0)\", \"country\": \"$5\",
		\"address\": \"$6\", \"city\": \"$3\", \"region\": \"$4\"}]"
}

# The second half: twelve years at one employer, a passport and a birth
# certificate, and the applicant's parts (B and C) of the consent.
# Arguments: applicant, case, employer, position, country.
second_half() {
	local who=$1 case=$2 employer=$3 position=$4 country=$5 today
	today=$(day 0 0)
	section "$who" "$case" employment 0 "[{\"from\": \"$(day -12 0)\",
		\"employer\": \"$employer\", \"country\": \"$country\", \"position\": \"$position\"}]"
	section "$who" "$case" identity_documents 0 "[{\"type\": \"passport\",
		\"number\": \"PA$(printf %07d "$case")\", \"issuer\": \"$country\", \"expiry\": \"$(day 4 0)\",
		\"photo\": true, \"language\": \"en\"}, {\"type\": \"birth_certificate\",
		\"number\": \"BC-$(printf %06d "$case")\", \"issuer\": \"$country\", \"photo\": false,
		\"language\": \"en\"}]"
	section "$who" "$case" consent 0 \
		"{\"parts\": {\"B\": {\"date\": \"$today\"}, \"C\": {\"date\": \"$today\"}}}"
}

# Screening signs the office's parts (A, D and E) of the consent, which the
# applicant has signed once (version 1).
office_consents() {
	local today
	today=$(day 0 0)
	section "$1" "$2" consent 1 "{\"parts\": {\"A\": {\"date\": \"$today\"},
		\"D\": {\"date\": \"$today\"}, \"E\": {\"date\": \"$today\"}}}"
}

# notice SCREENING CASE TYPE DATE: the agency's notice (REGDOC 5.2.6).
notice() {
	request "$1" 201 POST "/cases/$2/notices" \
		"{\"type\": \"$3\", \"date\": \"$4\", \"reference\": \"CSIS-DEMO-$2-$3\"}"
}

# recommendation ADJUDICATOR CASE WORKSHEET: the worksheet, then the
# policy's recommendation; prints the recommendation.
recommendation() {
	request "$1" 200 PUT "/cases/$2/worksheet" "{\"version\": 0, \"data\": $3}"
	request "$1" 201 POST "/cases/$2/recommendation" '{}'
	sed -n 's/.*"recommendation":"\([a-z_]*\)".*/\1/p' <<<"$RESPONSE"
}

# An old bankruptcy answered by events beyond the applicant's control.
settled_bankruptcy() {
	printf '{"guidelines": {"C": {"disqualifying": [{"id": "C7", "date": "%s",
		"facts": "Bankruptcy after the family business failed"}],
		"mitigating": ["C15"]}}, "conduct": {"seriousness": "moderate",
		"recency": "old", "recurrence": "unlikely"}}' "$(day -12 0)"
}

# From adjudication to the register: the recommendation must be a grant,
# which the authority follows, and the applicant acknowledges the briefing.
grant_and_brief() {
	local org=$1 applicant=$2 case=$3 worksheet=$4 result
	result=$(recommendation "$org-adjudicator" "$case" "$worksheet")
	[[ $result == grant ]] || die "case $case: the policy recommends '$result', not grant"
	move "$org-adjudicator" "$case" recommend decision
	request "$org-authority" 200 POST "/cases/$case/decision" '{"outcome": "grant"}'
	response_has state briefing
	request "$applicant" 201 POST "/cases/$case/briefing" "{\"date\": \"$(day 0 0)\"}"
	response_has status active
}

# --- acme: the default policy ---------------------------------------------

seed_acme() {
	local jordan sam riley issued upgrade screening draft
	local -a jordan_data=("Jordan Avery" 1986-04-12 Wellington Wellington NZ
		"14 Aro Street" 6021 "Systems engineer")
	local -a sam_data=("Sam Rivera" 1991-09-03 Auckland Auckland NZ
		"7 Ponsonby Road" 1011 "Software developer")
	local -a riley_data=("Riley Chen" 1995-02-27 Christchurch Canterbury NZ
		"3 Colombo Street" 8011 "Logistics analyst")

	jordan=$(new_person acme-cso "{$(person_data "${jordan_data[@]}"), \"username\": \"acme-applicant\"}")
	sam=$(new_person acme-cso "{$(person_data "${sam_data[@]}"), \"username\": \"acme-applicant2\"}")
	riley=$(new_person acme-cso "{$(person_data "${riley_data[@]}")}")

	# Jordan Avery: SECRET, from the application to the register
	issued=$(open_case acme-cso "$jordan" new SECRET)
	assign_team acme "$issued"
	first_half acme-applicant "$issued" "${jordan_data[@]}"
	second_half acme-applicant "$issued" "Acme Defence" "Systems engineer" NZ
	move acme-applicant "$issued" submit submitted
	move acme-screening "$issued" start_screening screening
	office_consents acme-screening "$issued"
	notice acme-screening "$issued" NRT "$(day 0 -20)"
	move acme-screening "$issued" to_adjudication adjudication
	grant_and_brief acme acme-applicant "$issued" "$(settled_bankruptcy)"
	say "acme: case $issued (Jordan Avery, SECRET) issued; the clearance is in the register"

	# Jordan Avery: the upgrade to TS, held on the agency's NOA - brief
	upgrade=$(open_case acme-cso "$jordan" upgrade TS)
	assign_team acme "$upgrade"
	first_half acme-applicant "$upgrade" "${jordan_data[@]}"
	second_half acme-applicant "$upgrade" "Acme Defence" "Systems engineer" NZ
	move acme-applicant "$upgrade" submit submitted
	move acme-screening "$upgrade" start_screening screening
	office_consents acme-screening "$upgrade"
	notice acme-screening "$upgrade" NOA_BRIEF "$(day 0 -3)"
	response_has on_hold true
	say "acme: case $upgrade (Jordan Avery, upgrade to TS) in screening, held on a NOA - brief"

	# Sam Rivera: SECRET, submitted and in screening
	screening=$(open_case acme-cso "$sam" new SECRET)
	assign_team acme "$screening"
	first_half acme-applicant2 "$screening" "${sam_data[@]}"
	second_half acme-applicant2 "$screening" "Acme Defence" "Software developer" NZ
	move acme-applicant2 "$screening" submit submitted
	move acme-screening "$screening" start_screening screening
	say "acme: case $screening (Sam Rivera, SECRET) submitted and in screening"

	# Riley Chen: CV, a draft the office has half keyed in
	draft=$(open_case acme-cso "$riley" new CV)
	request acme-cso 200 POST "/cases/$draft/assignments" \
		'{"role": "screening", "username": "acme-screening"}'
	first_half acme-screening "$draft" "${riley_data[@]}"
	say "acme: case $draft (Riley Chen, CV) a draft, half filled in"
}

# --- northbridge: the northbridge-nuclear example policy ------------------

# The name check from Canada that a complete SASC file holds (REGDOC 4.3).
crnc_canada() {
	section "$1" "$2" crnc 0 "[{\"country\": \"CA\", \"jurisdiction\": \"RCMP\",
		\"result\": \"no_record\", \"date\": \"$(day 0 -2)\"}]"
}

# An applicant's SASC file, complete, submitted and screened, to
# adjudication. Arguments: applicant, case, then person_data's arguments.
sasc_to_adjudication() {
	local applicant=$1 case=$2
	shift 2
	assign_team northbridge "$case"
	first_half "$applicant" "$case" "$@"
	second_half "$applicant" "$case" "Northbridge Nuclear" "$8" CA
	crnc_canada northbridge-screening "$case"
	move "$applicant" "$case" submit submitted
	move northbridge-screening "$case" start_screening screening
	office_consents northbridge-screening "$case"
	notice northbridge-screening "$case" NRT "$(day 0 -15)"
	move northbridge-screening "$case" to_adjudication adjudication
}

seed_northbridge() {
	local morgan priya luc issued adjudication draft result
	local -a morgan_data=("Morgan Tremblay" 1984-06-18 Kingston ON CA
		"12 Lakeshore Road" "L1C 3K3" "Reactor operator")
	local -a priya_data=("Priya Natarajan" 1989-11-30 Toronto ON CA
		"88 King Street East" "L1C 1N5" "Maintenance technician")
	local -a luc_data=("Luc Gagnon" 1993-01-09 Oshawa ON CA
		"40 Simcoe Street" "L1H 4G5" "Security guard")

	morgan=$(new_person northbridge-cso \
		"{$(person_data "${morgan_data[@]}"), \"username\": \"northbridge-applicant\"}")
	priya=$(new_person northbridge-cso \
		"{$(person_data "${priya_data[@]}"), \"username\": \"northbridge-applicant2\"}")
	luc=$(new_person northbridge-cso "{$(person_data "${luc_data[@]}")}")

	# Morgan Tremblay: SASC, from the application to the register
	issued=$(open_case northbridge-cso "$morgan" new SASC)
	sasc_to_adjudication northbridge-applicant "$issued" "${morgan_data[@]}"
	grant_and_brief northbridge northbridge-applicant "$issued" '{"guidelines": {}}'
	say "northbridge: case $issued (Morgan Tremblay, SASC) issued; the clearance is in the register"

	# Priya Natarajan: SASC, in adjudication with the recommendation
	adjudication=$(open_case northbridge-cso "$priya" new SASC)
	sasc_to_adjudication northbridge-applicant2 "$adjudication" "${priya_data[@]}"
	result=$(recommendation northbridge-adjudicator "$adjudication" "$(settled_bankruptcy)")
	say "northbridge: case $adjudication (Priya Natarajan, SASC) in adjudication;" \
		"the policy recommends $result"

	# Luc Gagnon: SASC for Plant A, a draft
	draft=$(open_case northbridge-cso "$luc" new SASC plant-a)
	say "northbridge: case $draft (Luc Gagnon, SASC at plant-a) a draft"
}

# Two reports for the incidents screens: a breach in acme, on its way
# (the cso's preliminary inquiry has begun), and Jordan Avery's
# self-reported foreign travel, which joins the history of the clearance
# (reference 000; REGDOC 6.1).
seed_incidents() {
	local breach
	request acme-screening 201 POST /incidents "{\"type\": \"security_breach\",
		\"occurred_on\": \"$(day 0 -2)\", \"location\": \"Records room, block C\",
		\"description\": \"A USB key holding Protected B files was found missing from the records room.\",
		\"involved\": \"the night shift\", \"sensitive_material\": false}"
	breach=$(response_number id)
	request acme-cso 200 POST "/incidents/$breach/transitions" \
		'{"name": "start_inquiry"}'
	request acme-cso 201 POST "/incidents/$breach/inquiry" \
		'{"what": "Spoke to the records clerk and checked the sign-out log.",
		  "spoken_to": "the records clerk", "findings": "The key was signed out and not returned."}'
	say "acme: incident $breach (a breach) in its preliminary inquiry"
	request acme-applicant 201 POST /incidents "{\"type\": \"change_of_circumstances\",
		\"occurred_on\": \"$(day 0 -10)\", \"circumstance\": \"foreign_travel\",
		\"description\": \"Two weeks abroad on holiday.\", \"sensitive_material\": false,
		\"holder_factors\": {\"reported_voluntarily\": true}}"
	say "acme: incident $(response_number id) (Jordan Avery's foreign travel) reported"
}

main() {
	(($# == 1)) || usage
	[[ $1 == http://* || $1 == https://* ]] || usage
	BASE=${1%/}
	API=$BASE/api/v1
	command -v curl >/dev/null || die "curl is missing"

	trap cleanup EXIT
	trap 'say "interrupted"; exit 130' INT TERM HUP
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/vetd-demo-cases.XXXXXX")
	chmod 0700 "$WORK"

	check_health
	sign_in_office acme
	sign_in_office northbridge
	check_no_cases acme
	check_no_cases northbridge
	seed_acme
	seed_northbridge
	seed_incidents
	say "done: 7 demo cases and 2 incidents"
}

main "$@"
