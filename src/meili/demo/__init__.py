"""The demo dataset (演示数据): what ``make run`` loads on first start, labelled and removable in one command."""
