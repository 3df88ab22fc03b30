package dev.sluice.testkit;
