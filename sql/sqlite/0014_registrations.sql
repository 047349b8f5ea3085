-- 0014: registration for open consultation meetings, the speakers list and the meeting's record.
-- The record (Markdown, written after the meeting) is multilingual: it lives in texts
-- (thing 'meeting', field 'record').

-- A meeting takes registrations when it has this row. closes_at: registration is refused from
-- that instant on. capacity_in_person: the seats in the room (0: no one attends in person);
-- capacity_remote: remote places (0: unlimited). starts_min, ends_min: the times of day
-- (minutes after 00:00 UTC) of the first and the last day, NULL when not known (the calendar
-- then shows whole days).
CREATE TABLE meeting_registration (
	meeting_id INTEGER PRIMARY KEY REFERENCES meetings (id),
	capacity_in_person INTEGER NOT NULL DEFAULT 0 CHECK (capacity_in_person BETWEEN 0 AND 100000),
	capacity_remote INTEGER NOT NULL DEFAULT 0 CHECK (capacity_remote BETWEEN 0 AND 100000),
	closes_at INTEGER NOT NULL,
	starts_min INTEGER CHECK (starts_min BETWEEN 0 AND 1439),
	ends_min INTEGER CHECK (ends_min BETWEEN 0 AND 1439),
	updated_at INTEGER NOT NULL
);

-- One registration. email is private (the secretariat's list only); publish_as says how the
-- speakers list names the registrant ('name': "SURNAME, Given - Organization", or
-- 'organization'). response_id: the published response they will present, if any.
-- token_hash: SHA-256 of the cancel token, which only the registrant has.
CREATE TABLE registrations (
	id INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings (id),
	name TEXT NOT NULL,
	organization TEXT NOT NULL,
	country TEXT NOT NULL CHECK (length(country) = 2),
	stakeholder_type TEXT NOT NULL,
	email TEXT NOT NULL,
	language TEXT NOT NULL CHECK (language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
	attendance TEXT NOT NULL CHECK (attendance IN ('in_person', 'remote')),
	wish_to_speak INTEGER NOT NULL DEFAULT 0 CHECK (wish_to_speak IN (0, 1)),
	publish_as TEXT NOT NULL CHECK (publish_as IN ('name', 'organization')),
	response_id INTEGER REFERENCES responses (id),
	status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'cancelled')),
	token_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	cancelled_at INTEGER
);
CREATE INDEX registrations_by_meeting ON registrations (meeting_id, status, attendance);

-- The speakers list, in the order the secretariat set: registered registrants of the meeting.
CREATE TABLE speakers (
	meeting_id INTEGER NOT NULL REFERENCES meetings (id),
	registration_id INTEGER NOT NULL UNIQUE REFERENCES registrations (id),
	position INTEGER NOT NULL CHECK (position >= 1),
	PRIMARY KEY (meeting_id, position)
);
