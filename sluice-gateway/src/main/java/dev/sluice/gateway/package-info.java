package dev.sluice.gateway;
