package io.matstore.views.categorydeals;

/** One parameter combination of the view. */
record DealsCombination(String category, String region, String currency, String tier) {}
