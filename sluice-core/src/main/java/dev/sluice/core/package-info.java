package dev.sluice.core;
