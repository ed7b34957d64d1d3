"""网格员月度情况: the month of each full-time grid worker, for the district or one town."""
