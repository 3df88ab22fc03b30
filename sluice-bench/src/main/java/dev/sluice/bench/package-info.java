package dev.sluice.bench;
