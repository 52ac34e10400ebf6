# Runs NHSRplotthedots (its calculation code, sourced from a source tree given as the first argument)
# on the series of the CSV given as the second, and writes its means, limits, point types and assurance
# to the third. Used by `python -m bench nhsr`; nothing of NHSRplotthedots is kept in this repository.
#
# A local patch, for checking only: the package's DESCRIPTION omits that it needs dplyr >= 1.1
# (`case_when(.default = )`), which Debian's r-cran-dplyr does not have; `.default = x` is read as
# `TRUE ~ x` when the sources are loaded.
args <- commandArgs(trailingOnly = TRUE)
source_dir <- args[[1]]
series_file <- args[[2]]
out_file <- args[[3]]
screen <- length(args) >= 4 && args[[4]] == "screen"
suppressPackageStartupMessages({
  library(dplyr)
  library(rlang)
})
`%>%` <- dplyr::`%>%`
files <- c(
  "ZZZ.R", "ptd_spc.R", "ptd_spc_options.R", "ptd_validate_spc_options.R", "ptd_spc_standard.R",
  "ptd_calculate_point_type.R", "ptd_calculate_assurance_type.R", "ptd_add_rebase_column.R",
  "ptd_add_short_group_warnings.R", "ptd_add_target_column.R", "ptd_rebase.R", "ptd_target.R", "to_datetime.R"
)
for (name in files) {
  text <- readLines(file.path(source_dir, "R", name), warn = FALSE)
  text <- gsub("\\.default\\s*=\\s*", "TRUE ~ ", text)
  eval(parse(text = text), envir = globalenv())
}
series <- read.csv(series_file, stringsAsFactors = FALSE, na.strings = c("", "NA"))
series$date <- as.Date(series$date)
results <- list()
for (id in unique(series$series_id)) {
  one <- series[series$series_id == id, ]
  direction <- one$direction[[1]]
  target <- one$target[[1]]
  rebases <- one$rebase[[1]]
  rebase <- if (is.na(rebases) || rebases == "") ptd_rebase() else ptd_rebase(as.Date(strsplit(rebases, ";")[[1]]))
  chart <- tryCatch(
    suppressWarnings(ptd_spc(
      one, value_field = "value", date_field = "date", rebase = rebase,
      improvement_direction = direction, target = if (is.na(target)) ptd_target() else ptd_target(target),
      screen_outliers = screen
    )),
    # NHSRplotthedots stops on some series with a missing value (its 7-point trend test meets the NA)
    error = function(e) NULL
  )
  if (is.null(chart)) {
    results[[length(results) + 1]] <- data.frame(
      series_id = id, date = NA, value = NA, mean = NA, lower = NA, upper = NA, point_type = "error", assurance = NA
    )
    next
  }
  assurance <- NA_character_
  if (!is.na(target)) {
    assurance <- as.character(ptd_calculate_assurance_type(chart)$assurance_type[[1]])
  }
  results[[length(results) + 1]] <- data.frame(
    series_id = id, date = format(chart$x, "%Y-%m-%d"), value = chart$y, mean = chart$mean_col,
    lower = chart$lpl, upper = chart$upl, point_type = as.character(chart$point_type), assurance = assurance
  )
}
write.csv(do.call(rbind, results), out_file, row.names = FALSE)
