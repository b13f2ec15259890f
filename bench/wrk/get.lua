-- GET the URL given on the command line (headers, e.g. Authorization, come from -H).
dofile("report.lua")
