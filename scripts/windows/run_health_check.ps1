# Runs the health check from the repository root (by hand each morning, or as its own scheduled task).
# The exit code is the health check's: 0 all ok, 1 the worst row is a warning, 2 something failed (or the
# database cannot be reached). Task Scheduler shows it as "Last Run Result". Arguments pass through:
#   .\scripts\windows\run_health_check.ps1 --format json --source pipedrive
$ErrorActionPreference = "Stop"
$repo = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
Set-Location $repo
$python = if (Test-Path "$repo\.venv\Scripts\python.exe") { "$repo\.venv\Scripts\python.exe" } else { "python" }
& $python -m scripts.health_check @args
exit $LASTEXITCODE
