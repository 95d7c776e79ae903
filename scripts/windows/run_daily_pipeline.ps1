# Runs the daily pipeline from the repository root; Task Scheduler calls this (see register_daily_task.ps1).
# The exit code is the pipeline's: 0 ok, 1 a stage failed, 2 configuration. Task Scheduler shows it as
# "Last Run Result", so a failure is visible without opening the log (logs\daily_pipeline_<date>.log).
$ErrorActionPreference = "Stop"
$repo = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
Set-Location $repo
$python = if (Test-Path "$repo\.venv\Scripts\python.exe") { "$repo\.venv\Scripts\python.exe" } else { "python" }
& $python -m scripts.daily_pipeline @args
exit $LASTEXITCODE
