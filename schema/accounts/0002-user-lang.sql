-- The console's language, remembered per user: 'zh-CN' or 'en'; NULL until chosen.
ALTER TABLE users ADD COLUMN lang TEXT;
