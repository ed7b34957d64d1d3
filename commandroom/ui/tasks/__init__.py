"""Task dispatch (任务派单): sent, tracked, answered and exported in a window of its own."""
