// Configuration every test process shares; read before any module loads `shared/config`.
process.env.NODE_ENV = "test";
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL || "warn";
process.env.ADMIN_SUBJECTS = "platform-admin";
process.env.EVENT_MAX_ATTEMPTS = "3";
process.env.REQUEST_TIMEOUT_MS = "10000";
