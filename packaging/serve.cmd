@echo off
rem Preview a klaster site on this computer.
rem
rem Drag the site's folder (the one with the content folder in it) onto this file,
rem or double-click this file and give the folder when it asks. The preview opens
rem in the browser and follows every change you save. Close this window (or press
rem Ctrl+C in it) to stop the preview.

setlocal
set "KLASTER=%~dp0klaster.exe"
set "SITE=%~1"
if not defined SITE if exist "%CD%\content\" set "SITE=%CD%"
if not defined SITE (
  echo Which site do you want to preview?
  echo Drag its folder into this window, or type its path, then press Enter.
  set /p "SITE=Folder: "
)
if not defined SITE goto :nosite
rem A dragged folder arrives in quotes.
set "SITE=%SITE:"=%"
if not exist "%SITE%\content\" goto :nosite

echo Starting the preview of %SITE% ...
"%KLASTER%" serve --root "%SITE%" --open
echo.
echo The preview has stopped.
pause
exit /b 0

:nosite
echo.
echo That is not a site folder: a site folder has a folder called content in it.
pause
exit /b 2
