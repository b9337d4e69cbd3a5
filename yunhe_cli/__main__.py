from yunhe_cli.cli.app import main

main()
