"""The small core every stage stands on: errors, paths, text, files, periods, working days,
the project's vocabulary and the Italian words for it. Nothing here imports a stage."""
