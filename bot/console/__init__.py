"""The operator's console: a web app on the bot's one server under /console/ (sessions,
roles, CSRF), with the overview funnel, participants and segments, handoffs, broadcasts,
imports and the audit log; plus the JSON routes for automation under /admin/."""
