# Registers (or updates) the Windows scheduled task that runs the daily pipeline.
# Usage (PowerShell as the account that should run it):  .\scripts\windows\register_daily_task.ps1 -At 05:30
param([string]$At = "05:30", [string]$TaskName = "DataLake Daily Pipeline")
$ErrorActionPreference = "Stop"
$script = Join-Path $PSScriptRoot "run_daily_pipeline.ps1"
$action = New-ScheduledTaskAction -Execute "powershell.exe" `
    -Argument "-NoProfile -ExecutionPolicy Bypass -File `"$script`"" `
    -WorkingDirectory (Split-Path -Parent (Split-Path -Parent $PSScriptRoot))
$trigger = New-ScheduledTaskTrigger -Daily -At $At
# A run that overlaps the next one is refused by the pipeline's own lock; never start a second instance.
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 6) `
    -StartWhenAvailable
Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings -Force | Out-Null
Write-Host "Registered '$TaskName' daily at $At. Logs: logs\daily_pipeline_<date>.log"
