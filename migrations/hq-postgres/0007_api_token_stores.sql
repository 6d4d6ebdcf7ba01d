-- A `read` API token may be limited to some stores (issue 14): comma-separated store codes,
-- empty for every store. Head office's read services refuse the others, as they do for a store
-- manager in the console.
ALTER TABLE api_tokens ADD COLUMN stores TEXT NOT NULL DEFAULT '';
