from demo_editor.server import main

main()
