#!/usr/bin/env node
// Committed so npm links `sopflow` at install time: in a fresh clone npm links
// bins before `prepare` builds dist/, and skips a bin whose file is missing.
import '../dist/bin.js';
