-- Neovim (0.7's API) as a client of `clusterlint lsp`: the buffer given on
-- the command line is a file of the cluster at $CLUSTER_ROOT. Waits for a
-- finding on $WATCH_FILE, deletes $DELETE_TEXT from the buffer, waits for
-- the finding to go, and writes what it saw to $DIAG_OUT as JSON.
local cmd = vim.split(os.getenv("LSP_CMD"), " ", { trimempty = true })
local root = os.getenv("CLUSTER_ROOT")
local watched = vim.uri_to_bufnr(vim.uri_from_fname(os.getenv("WATCH_FILE")))
local needle = os.getenv("DELETE_TEXT")
local bufnr = vim.api.nvim_get_current_buf()

local function codes(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, { code = d.code, source = d.source, lnum = d.lnum })
  end
  return out
end

local id = vim.lsp.start_client({ name = "clusterlint", cmd = cmd, root_dir = root })
vim.lsp.buf_attach_client(bufnr, id)
local found = vim.wait(15000, function() return #vim.diagnostic.get(watched) > 0 end, 20)
local before = codes(watched)

local edited = false
for row, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
  local at = string.find(line, needle, 1, true)
  if at then
    vim.api.nvim_buf_set_text(bufnr, row - 1, at - 1, row - 1, at - 1 + #needle, { "" })
    edited = true
    break
  end
end
local cleared = edited and vim.wait(15000, function() return #vim.diagnostic.get(watched) == 0 end, 20)

local f = io.open(os.getenv("DIAG_OUT"), "w")
f:write(vim.fn.json_encode({ found = found, before = before, edited = edited, cleared = cleared, after = codes(watched) }))
f:close()
vim.lsp.stop_client(id)
vim.wait(3000, function() return vim.lsp.get_client_by_id(id) == nil end, 20)
vim.cmd("qa!")
