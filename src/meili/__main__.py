from meili.cli import main

main()
