from rabta.notifications.notices import Notice

NOTICES = {"complaint_submitted": Notice(subject="Received", body="Received.")}
