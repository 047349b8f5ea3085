# documents.fixture.sh: documents for documents.policy, made through the pages by the
# secretariat (which may write for any author), from the demo's documents otherwise:
#   $PUBLIC_DOC   a public report (the demo's CWG-Internet 17/1)
#   $MEMBERS_DOC  a submitted, members-only contribution of KE (the demo's 17/2, with a Rev.1)
#   $CH_DRAFT     a draft of CH, the visitors' delegate's and focal point's state
#   $OTHER_DRAFT  a draft of FR, a state none of the visitors belongs to
#   $SUBMIT_DOC   a draft of CH that the policy's submit line really submits
PUBLIC_DOC=cwg-internet-17-1
MEMBERS_DOC=cwg-internet-17-2
printf 'A document for the authorization matrix.\n' >"$TMP/policy-doc.txt"
_doc_new() {	# _doc_new AUTHOR TITLE: prints the new document's URL form
	req POST /documents/new -b "$TMP/jar.secretariat" -F "csrf=${CSRF[secretariat]}" -F meeting=17 \
		-F kind=contribution -F "author=$1" -F "title=$2" -F language=en -F "file=@$TMP/policy-doc.txt"
	[ "$STATUS" = 303 ] || { echo "# documents fixture: $STATUS" >&2; cat "$TMP/b" >&2; exit 1; }
	header Location | sed 's|^/documents/||'
}
CH_DRAFT=$(_doc_new CH "Policy draft of CH")
OTHER_DRAFT=$(_doc_new FR "Policy draft of FR")
SUBMIT_DOC=$(_doc_new CH "Policy draft of CH to submit")
