-- Cycles every connection through the paths given after `--`, as a mixed crowd would.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(here .. "report.lua")

local paths = {}
local counter = 0

init = function(args)
  for i, path in ipairs(args) do paths[i] = path end
  wrk.headers["X-Forwarded-Proto"] = "https"
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
