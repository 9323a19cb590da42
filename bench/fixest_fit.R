# One R fixest PPML fit, as a user would run it: load fixest, read the CSV file with
# data.table::fread, fit with fepois, print the result as one JSON object on stdout
# (the same coefficient shape as hallyu and bench/pyfixest_fit.py).
#
#   HALLYU_FIXEST_LIB=/tmp/fixest-lib Rscript bench/fixest_fit.R --data FILE.csv \
#       --fml "trade ~ rta | exporter^year + importer^year + pair" --cluster pair \
#       [--fixef-tol 1e-8] [--glm-tol 1e-8] [--fixef-iter 10000] [--glm-iter 25] [--threads N]
#
# HALLYU_FIXEST_LIB (optional) is an R library folder searched before the default ones,
# for a fixest installed outside the system library. --threads N sets both fixest's and
# data.table's thread counts (so that read_s and fit_s run under the same limit); without
# it both packages keep their defaults. Only base R writes the JSON (no jsonlite needed).
# Timings are wall-clock seconds: import_s (library loading), read_s (fread), fit_s (fepois).

T_START <- Sys.time()

fail <- function(msg) {
  cat("fixest_fit.R: error: ", msg, "\n", sep = "", file = stderr())
  quit(save = "no", status = 1)
}

usage <- paste(
  "usage: Rscript bench/fixest_fit.R --data FILE.csv --fml FORMULA --cluster VAR",
  "[--fixef-tol 1e-8] [--glm-tol 1e-8] [--fixef-iter 10000] [--glm-iter 25] [--threads N]"
)

parse_args <- function(argv) {
  known <- c("data", "fml", "cluster", "fixef-tol", "glm-tol", "fixef-iter", "glm-iter", "threads")
  out <- list()
  i <- 1L
  while (i <= length(argv)) {
    a <- argv[[i]]
    if (a %in% c("-h", "--help")) {
      cat(usage, "\n", sep = "")
      quit(save = "no", status = 0)
    }
    if (!startsWith(a, "--")) fail(sprintf("unexpected argument '%s'\n%s", a, usage))
    key <- substring(a, 3L)
    if (grepl("=", key, fixed = TRUE)) {
      val <- sub("^[^=]*=", "", key)
      key <- sub("=.*$", "", key)
    } else {
      if (i == length(argv)) fail(sprintf("option --%s needs a value\n%s", key, usage))
      i <- i + 1L
      val <- argv[[i]]
    }
    if (!key %in% known) fail(sprintf("unknown option --%s\n%s", key, usage))
    out[[key]] <- val
    i <- i + 1L
  }
  for (k in c("data", "fml", "cluster")) {
    if (is.null(out[[k]])) fail(sprintf("missing --%s\n%s", k, usage))
  }
  out
}

num_arg <- function(args, key, default, integer = FALSE) {
  v <- args[[key]]
  if (is.null(v)) return(default)
  x <- suppressWarnings(as.numeric(v))
  if (length(x) != 1L || is.na(x) || !is.finite(x) || x <= 0 || (integer && x != round(x))) {
    fail(sprintf("--%s must be a positive %s, got '%s'", key, if (integer) "integer" else "number", v))
  }
  if (integer) as.integer(x) else x
}

# ---- minimal JSON writer (base R only) -------------------------------------------------
json_str <- function(s) {
  s <- enc2utf8(as.character(s))
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\r", "\\r", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  s <- gsub("[[:cntrl:]]", " ", s)
  paste0("\"", s, "\"")
}
json_num <- function(x) {
  if (is.null(x) || length(x) != 1L || is.na(x) || !is.finite(x)) return("null")
  if (is.integer(x) || (is.numeric(x) && abs(x) < 2^53 && x == round(x) && abs(x) >= 1)) {
    return(format(x, scientific = FALSE, trim = TRUE))
  }
  sprintf("%.17g", as.double(x))
}
json_obj <- function(fields) {
  # fields: named list of already-encoded JSON values
  paste0("{", paste0(json_str(names(fields)), ": ", unlist(fields), collapse = ", "), "}")
}
# -----------------------------------------------------------------------------------------

main <- function() {
  args <- parse_args(commandArgs(trailingOnly = TRUE))
  fixef_tol <- num_arg(args, "fixef-tol", 1e-8)
  glm_tol <- num_arg(args, "glm-tol", 1e-8)
  fixef_iter <- num_arg(args, "fixef-iter", 10000L, integer = TRUE)
  glm_iter <- num_arg(args, "glm-iter", 25L, integer = TRUE)
  threads <- num_arg(args, "threads", NA_integer_, integer = TRUE)

  lib <- Sys.getenv("HALLYU_FIXEST_LIB")
  if (nzchar(lib)) {
    if (!dir.exists(lib)) fail(sprintf("HALLYU_FIXEST_LIB='%s' is not a directory", lib))
    .libPaths(c(lib, .libPaths()))
  }
  for (pkg in c("fixest", "data.table")) {
    if (!requireNamespace(pkg, quietly = TRUE)) {
      fail(sprintf("R package '%s' not found (library paths: %s); set HALLYU_FIXEST_LIB",
                   pkg, paste(.libPaths(), collapse = ":")))
    }
  }
  if (!is.na(threads)) {
    fixest::setFixest_nthreads(threads)
    data.table::setDTthreads(threads)
  }
  if (!file.exists(args$data)) fail(sprintf("data file '%s' not found", args$data))
  fml <- tryCatch(stats::as.formula(args$fml),
                  error = function(e) fail(sprintf("bad --fml '%s': %s", args$fml, conditionMessage(e))))
  cluster <- tryCatch(stats::as.formula(paste0("~", args$cluster)),
                      error = function(e) fail(sprintf("bad --cluster '%s': %s", args$cluster, conditionMessage(e))))

  t0 <- Sys.time()
  data <- data.table::fread(args$data, showProgress = FALSE)
  t1 <- Sys.time()
  fit <- fixest::fepois(fml, data = data, cluster = cluster,
                        fixef.tol = fixef_tol, glm.tol = glm_tol,
                        fixef.iter = fixef_iter, glm.iter = glm_iter)
  t2 <- Sys.time()

  if (!isTRUE(fit$convStatus)) {
    cat("fixest_fit.R: warning: fepois reports no convergence\n", file = stderr())
  }
  est <- stats::coef(fit)
  se <- fixest::se(fit)
  terms <- names(est)
  coefs <- vapply(terms, function(t) json_obj(list(
    term = json_str(t),
    estimate = sprintf("%.17g", unname(est[[t]])),
    std_error = if (is.finite(se[[t]])) sprintf("%.17g", unname(se[[t]])) else "null"
  )), character(1))

  secs <- function(a, b) as.double(difftime(b, a, units = "secs"))
  out <- list(
    tool = json_str("fixest"),
    fixest_version = json_str(as.character(utils::packageVersion("fixest"))),
    data_table_version = json_str(as.character(utils::packageVersion("data.table"))),
    r_version = json_str(paste(R.version$major, R.version$minor, sep = ".")),
    fixef_tol = sprintf("%.17g", fixef_tol),
    glm_tol = sprintf("%.17g", glm_tol),
    threads = json_num(fixest::getFixest_nthreads()),
    rows = json_num(nrow(data)),
    nobs = json_num(stats::nobs(fit)),
    iterations = json_num(fit$iterations),
    converged = if (isTRUE(fit$convStatus)) "true" else "false",
    import_s = sprintf("%.17g", secs(T_START, t0)),
    read_s = sprintf("%.17g", secs(t0, t1)),
    fit_s = sprintf("%.17g", secs(t1, t2)),
    coefficients = paste0("[", paste(coefs, collapse = ", "), "]")
  )
  cat(json_obj(out), "\n", sep = "")
}

status <- tryCatch({
  main()
  0L
}, error = function(e) {
  cat("fixest_fit.R: error: ", conditionMessage(e), "\n", sep = "", file = stderr())
  1L
})
quit(save = "no", status = status)
