# proposals.fixture.sh: proposals for proposals.policy, written straight into the store:
#   $PROPOSAL  an open silence procedure whose deadline is in 2100 (a moved test clock leaves it open)
#   $DECIDED   a proposal that reached consensus, its consultation not yet created
# Only POSTs that fail validation or are refused use them, so both stay as they are.
PROPOSAL=$(sql "INSERT INTO proposals (proposed_state, procedure, silence_deadline, nquestions, created_at)
	VALUES ('CH', 'silence', 4102444800, 1, $(date +%s));
	INSERT INTO texts (thing, thing_id, field, language, body, status)
		VALUES ('proposal', (SELECT MAX(id) FROM proposals), 'title', 'en', 'Policy proposal', 'original');
	SELECT MAX(id) FROM proposals;")
DECIDED=$(sql "INSERT INTO proposals (procedure, status, nquestions, decided_at, decided_meeting, created_at)
	VALUES ('meeting', 'consensus', 1, $(date +%s), 17, $(date +%s));
	SELECT MAX(id) FROM proposals;")
