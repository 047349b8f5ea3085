-- 0027: every CHECK constraint and trigger condition that tests a column against a list of
-- values, x IN ('a', 'b', ...), is written as (x = 'a' OR x = 'b' ...): the same test. SQLite
-- builds a temporary b-tree for an IN list each time a statement runs it, and a submission runs
-- about a dozen such checks (the response, its version, its events, the log's and the search's
-- queues, the receipt mail): a tenth of the writer's time (docs/PERFORMANCE.md, "Submissions").
--
-- Only the text of the schema changes, never a stored row: the procedure SQLite documents for
-- changes that do not touch the file's content (https://sqlite.org/lang_altertable.html, "Making
-- Other Kinds Of Table Schema Changes"), in the migration's transaction. The last two
-- statements change the schema's version so that every connection reads the new text, and
-- RESET reloads it on this one. Every row already met the checks, and still does: they are the
-- same. Generated from the schema after 0026; tests/unit/test_db.c checks that no IN list of
-- values is left in the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(replace(replace(sql,
	'role IN (''secretariat'', ''chair'', ''focal_point'', ''delegate'', ''stakeholder'')',
	'(role = ''secretariat'' OR role = ''chair'' OR role = ''focal_point'' OR role = ''delegate'' OR role = ''stakeholder'')'),
	'role IN (''delegate'', ''focal_point'')',
	'(role = ''delegate'' OR role = ''focal_point'')'),
	'mail_lang IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(mail_lang = ''ar'' OR mail_lang = ''zh'' OR mail_lang = ''en'' OR mail_lang = ''fr'' OR mail_lang = ''ru'' OR mail_lang = ''es'')')
WHERE type = 'table' AND name = 'accounts';
UPDATE sqlite_master SET sql = replace(sql,
	'kind IN (''round_opened'', ''round_closing'', ''summary_published'',' || char(10, 9, 9, 9, 9, 9) || '   ''report_published'', ''outcomes_published'')',
	'(kind = ''round_opened'' OR kind = ''round_closing'' OR kind = ''summary_published'' OR kind = ''report_published'' OR kind = ''outcomes_published'')')
WHERE type = 'table' AND name = 'announcements';
UPDATE sqlite_master SET sql = replace(replace(replace(sql,
	'original_language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(original_language = ''ar'' OR original_language = ''zh'' OR original_language = ''en'' OR original_language = ''fr'' OR original_language = ''ru'' OR original_language = ''es'')'),
	'state IN (''draft'', ''scheduled'', ''open'', ''closed'')',
	'(state = ''draft'' OR state = ''scheduled'' OR state = ''open'' OR state = ''closed'')'),
	'moderation IN (''post'', ''pre'')',
	'(moderation = ''post'' OR moderation = ''pre'')')
WHERE type = 'table' AND name = 'consultations';
UPDATE sqlite_master SET sql = replace(replace(replace(replace(sql,
	'kind IN (''contribution'', ''secretariat_report'', ''chair_report'',' || char(10, 9, 9, 9, 9, 9) || '   ''consultation_summary'', ''other'')',
	'(kind = ''contribution'' OR kind = ''secretariat_report'' OR kind = ''chair_report'' OR kind = ''consultation_summary'' OR kind = ''other'')'),
	'status IN (''draft'', ''submitted'')',
	'(status = ''draft'' OR status = ''submitted'')'),
	'public IN (0, 1)',
	'(public = 0 OR public = 1)'),
	'original_language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(original_language = ''ar'' OR original_language = ''zh'' OR original_language = ''en'' OR original_language = ''fr'' OR original_language = ''ru'' OR original_language = ''es'')')
WHERE type = 'table' AND name = 'documents';
UPDATE sqlite_master SET sql = replace(sql,
	'status IN (''ok'', ''no_text'', ''unsupported'', ''failed'')',
	'(status = ''ok'' OR status = ''no_text'' OR status = ''unsupported'' OR status = ''failed'')')
WHERE type = 'table' AND name = 'file_texts';
UPDATE sqlite_master SET sql = replace(replace(sql,
	'role IN (''secretariat'', ''chair'', ''focal_point'', ''delegate'')',
	'(role = ''secretariat'' OR role = ''chair'' OR role = ''focal_point'' OR role = ''delegate'')'),
	'role IN (''delegate'', ''focal_point'')',
	'(role = ''delegate'' OR role = ''focal_point'')')
WHERE type = 'table' AND name = 'invitations';
UPDATE sqlite_master SET sql = replace(sql,
	'state IN (''pending'', ''running'', ''done'', ''failed'')',
	'(state = ''pending'' OR state = ''running'' OR state = ''done'' OR state = ''failed'')')
WHERE type = 'table' AND name = 'jobs';
UPDATE sqlite_master SET sql = replace(sql,
	'kind IN (''response_version'', ''moderation'', ''consultation'',' || char(10, 9, 9) || '''document_revision'', ''outcome'', ''key_rotation'')',
	'(kind = ''response_version'' OR kind = ''moderation'' OR kind = ''consultation'' OR kind = ''document_revision'' OR kind = ''outcome'' OR kind = ''key_rotation'')')
WHERE type = 'table' AND name = 'log_pending';
UPDATE sqlite_master SET sql = replace(replace(replace(sql,
	'kind IN (''working_group'', ''open_consultation'')',
	'(kind = ''working_group'' OR kind = ''open_consultation'')'),
	'mode IN (''in_person'', ''virtual'', ''hybrid'')',
	'(mode = ''in_person'' OR mode = ''virtual'' OR mode = ''hybrid'')'),
	'original_language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(original_language = ''ar'' OR original_language = ''zh'' OR original_language = ''en'' OR original_language = ''fr'' OR original_language = ''ru'' OR original_language = ''es'')')
WHERE type = 'table' AND name = 'meetings';
UPDATE sqlite_master SET sql = replace(sql,
	'region IN (''africa'', ''americas'', ''arab_states'', ''asia_pacific'', ''cis'', ''europe'')',
	'(region = ''africa'' OR region = ''americas'' OR region = ''arab_states'' OR region = ''asia_pacific'' OR region = ''cis'' OR region = ''europe'')')
WHERE type = 'table' AND name = 'member_states';
UPDATE sqlite_master SET sql = replace(sql,
	'kind IN (''submitted'', ''published'', ''revised'', ''withheld'', ''redacted'',' || char(10, 9, 9) || '''corrected'', ''erased'', ''withdrawn'')',
	'(kind = ''submitted'' OR kind = ''published'' OR kind = ''revised'' OR kind = ''withheld'' OR kind = ''redacted'' OR kind = ''corrected'' OR kind = ''erased'' OR kind = ''withdrawn'')')
WHERE type = 'table' AND name = 'moderation_events';
UPDATE sqlite_master SET sql = replace(replace(sql,
	'lang IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(lang = ''ar'' OR lang = ''zh'' OR lang = ''en'' OR lang = ''fr'' OR lang = ''ru'' OR lang = ''es'')'),
	'status IN (''queued'', ''sent'', ''failed'', ''suppressed'')',
	'(status = ''queued'' OR status = ''sent'' OR status = ''failed'' OR status = ''suppressed'')')
WHERE type = 'table' AND name = 'outbox';
UPDATE sqlite_master SET sql = replace(sql,
	'result IN (''sending'', ''sent'', ''retry'', ''refused'', ''failed'', ''interrupted'')',
	'(result = ''sending'' OR result = ''sent'' OR result = ''retry'' OR result = ''refused'' OR result = ''failed'' OR result = ''interrupted'')')
WHERE type = 'table' AND name = 'outbox_attempts';
UPDATE sqlite_master SET sql = replace(replace(replace(sql,
	'kind IN (''decision'', ''request'', ''invitation'')',
	'(kind = ''decision'' OR kind = ''request'' OR kind = ''invitation'')'),
	'addressee IN (''secretariat'', ''bureau_directors'', ''member_states'', ''chair'')',
	'(addressee = ''secretariat'' OR addressee = ''bureau_directors'' OR addressee = ''member_states'' OR addressee = ''chair'')'),
	'status IN (''open'', ''in_progress'', ''done'', ''superseded'')',
	'(status = ''open'' OR status = ''in_progress'' OR status = ''done'' OR status = ''superseded'')')
WHERE type = 'table' AND name = 'outcomes';
UPDATE sqlite_master SET sql = replace(sql,
	'position IN (''support'', ''no_objection'', ''objection'', ''abstain'')',
	'(position = ''support'' OR position = ''no_objection'' OR position = ''objection'' OR position = ''abstain'')')
WHERE type = 'table' AND name = 'proposal_positions';
UPDATE sqlite_master SET sql = replace(replace(replace(sql,
	'procedure IN (''meeting'', ''silence'')',
	'(procedure = ''meeting'' OR procedure = ''silence'')'),
	'status IN (''open'', ''consensus'', ''no_consensus'', ''deferred'', ''withdrawn'')',
	'(status = ''open'' OR status = ''consensus'' OR status = ''no_consensus'' OR status = ''deferred'' OR status = ''withdrawn'')'),
	'original_language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(original_language = ''ar'' OR original_language = ''zh'' OR original_language = ''en'' OR original_language = ''fr'' OR original_language = ''ru'' OR original_language = ''es'')')
WHERE type = 'table' AND name = 'proposals';
UPDATE sqlite_master SET sql = replace(replace(replace(replace(replace(sql,
	'language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(language = ''ar'' OR language = ''zh'' OR language = ''en'' OR language = ''fr'' OR language = ''ru'' OR language = ''es'')'),
	'attendance IN (''in_person'', ''remote'')',
	'(attendance = ''in_person'' OR attendance = ''remote'')'),
	'wish_to_speak IN (0, 1)',
	'(wish_to_speak = 0 OR wish_to_speak = 1)'),
	'publish_as IN (''name'', ''organization'')',
	'(publish_as = ''name'' OR publish_as = ''organization'')'),
	'status IN (''registered'', ''cancelled'')',
	'(status = ''registered'' OR status = ''cancelled'')')
WHERE type = 'table' AND name = 'registrations';
UPDATE sqlite_master SET sql = replace(replace(sql,
	'language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(language = ''ar'' OR language = ''zh'' OR language = ''en'' OR language = ''fr'' OR language = ''ru'' OR language = ''es'')'),
	'field IN (''symbol'', ''title'', ''summary'', ''action'', ''references'',' || char(10, 9, 9, 9, 9, 9) || '     ''mandate'', ''recommendations'')',
	'(field = ''symbol'' OR field = ''title'' OR field = ''summary'' OR field = ''action'' OR field = ''references'' OR field = ''mandate'' OR field = ''recommendations'')')
WHERE type = 'table' AND name = 'report_texts';
UPDATE sqlite_master SET sql = replace(replace(sql,
	'kind IN (''correction'', ''erasure'')',
	'(kind = ''correction'' OR kind = ''erasure'')'),
	'state IN (''open'', ''done'', ''declined'')',
	'(state = ''open'' OR state = ''done'' OR state = ''declined'')')
WHERE type = 'table' AND name = 'response_requests';
UPDATE sqlite_master SET sql = replace(replace(sql,
	'stakeholder_type IN (''government'', ''private_sector'',' || char(10, 9, 9) || '''civil_society'', ''academia'', ''technical_community'', ''international_organization'', ''individual'')',
	'(stakeholder_type = ''government'' OR stakeholder_type = ''private_sector'' OR stakeholder_type = ''civil_society'' OR stakeholder_type = ''academia'' OR stakeholder_type = ''technical_community'' OR stakeholder_type = ''international_organization'' OR stakeholder_type = ''individual'')'),
	'publish_as IN (''name'', ''organization'', ''anonymous'')',
	'(publish_as = ''name'' OR publish_as = ''organization'' OR publish_as = ''anonymous'')')
WHERE type = 'table' AND name = 'response_versions';
UPDATE sqlite_master SET sql = replace(replace(sql,
	'status IN (''published'', ''pending'', ''withheld'', ''withdrawn'', ''erased'')',
	'(status = ''published'' OR status = ''pending'' OR status = ''withheld'' OR status = ''withdrawn'' OR status = ''erased'')'),
	'channel IN (''online'', ''email'', ''post'', ''other'')',
	'(channel = ''online'' OR channel = ''email'' OR channel = ''post'' OR channel = ''other'')')
WHERE type = 'table' AND name = 'responses';
UPDATE sqlite_master SET sql = replace(sql,
	'thing IN (''consultation'', ''response'', ''outcome'', ''document'')',
	'(thing = ''consultation'' OR thing = ''response'' OR thing = ''outcome'' OR thing = ''document'')')
WHERE type = 'table' AND name = 'search_queue';
UPDATE sqlite_master SET sql = replace(sql,
	'outcome IN (''sent'', ''ended'')',
	'(outcome = ''sent'' OR outcome = ''ended'')')
WHERE type = 'table' AND name = 'subscription_digests';
UPDATE sqlite_master SET sql = replace(replace(replace(sql,
	'language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(language = ''ar'' OR language = ''zh'' OR language = ''en'' OR language = ''fr'' OR language = ''ru'' OR language = ''es'')'),
	'frequency IN (''immediate'', ''daily'', ''weekly'')',
	'(frequency = ''immediate'' OR frequency = ''daily'' OR frequency = ''weekly'')'),
	'ended IN (''unsubscribed'', ''replaced'')',
	'(ended = ''unsubscribed'' OR ended = ''replaced'')')
WHERE type = 'table' AND name = 'subscriptions';
UPDATE sqlite_master SET sql = replace(replace(sql,
	'language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(language = ''ar'' OR language = ''zh'' OR language = ''en'' OR language = ''fr'' OR language = ''ru'' OR language = ''es'')'),
	'status IN (''draft'', ''published'')',
	'(status = ''draft'' OR status = ''published'')')
WHERE type = 'table' AND name = 'summaries';
UPDATE sqlite_master SET sql = replace(replace(sql,
	'language IN (''ar'', ''zh'', ''en'', ''fr'', ''ru'', ''es'')',
	'(language = ''ar'' OR language = ''zh'' OR language = ''en'' OR language = ''fr'' OR language = ''ru'' OR language = ''es'')'),
	'status IN (''original'', ''official'', ''draft'')',
	'(status = ''original'' OR status = ''official'' OR status = ''draft'')')
WHERE type = 'table' AND name = 'texts';
UPDATE sqlite_master SET sql = replace(sql,
	'state IN (''pending'', ''running'')',
	'(state = ''pending'' OR state = ''running'')')
WHERE type = 'trigger' AND name = 'extract_attachment';
UPDATE sqlite_master SET sql = replace(sql,
	'state IN (''pending'', ''running'')',
	'(state = ''pending'' OR state = ''running'')')
WHERE type = 'trigger' AND name = 'extract_revision';
UPDATE sqlite_master SET sql = replace(sql,
	'NEW.state IN (''open'', ''closed'')',
	'(NEW.state = ''open'' OR NEW.state = ''closed'')')
WHERE type = 'trigger' AND name = 'log_consultation_new';
UPDATE sqlite_master SET sql = replace(sql,
	'NEW.state IN (''open'', ''closed'')',
	'(NEW.state = ''open'' OR NEW.state = ''closed'')')
WHERE type = 'trigger' AND name = 'log_consultation_state';
UPDATE sqlite_master SET sql = replace(sql,
	'NEW.kind IN (''published'', ''withheld'', ''redacted'', ''corrected'', ''erased'', ''withdrawn'')',
	'(NEW.kind = ''published'' OR NEW.kind = ''withheld'' OR NEW.kind = ''redacted'' OR NEW.kind = ''corrected'' OR NEW.kind = ''erased'' OR NEW.kind = ''withdrawn'')')
WHERE type = 'trigger' AND name = 'log_moderation';
UPDATE sqlite_master SET sql = replace(sql,
	'OLD.thing IN (''consultation'', ''outcome'', ''document'')',
	'(OLD.thing = ''consultation'' OR OLD.thing = ''outcome'' OR OLD.thing = ''document'')')
WHERE type = 'trigger' AND name = 'search_text_del';
UPDATE sqlite_master SET sql = replace(sql,
	'NEW.thing IN (''consultation'', ''outcome'', ''document'')',
	'(NEW.thing = ''consultation'' OR NEW.thing = ''outcome'' OR NEW.thing = ''document'')')
WHERE type = 'trigger' AND name = 'search_text_ins';
UPDATE sqlite_master SET sql = replace(sql,
	'NEW.thing IN (''consultation'', ''outcome'', ''document'')',
	'(NEW.thing = ''consultation'' OR NEW.thing = ''outcome'' OR NEW.thing = ''document'')')
WHERE type = 'trigger' AND name = 'search_text_upd';

PRAGMA writable_schema = RESET;
CREATE TABLE migration_0027_schema_version (x);
DROP TABLE migration_0027_schema_version;
